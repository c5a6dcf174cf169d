import type {
  ListRevocationsOptions,
  RevocationEntry,
  RevocationInput,
  RevocationPage,
  RevocationStore,
} from '../contract/revocations.js';
import type { RedisScripts } from './client.js';
import { type RedisKeys, SKEW_MS } from './keys.js';

/** A log member is "<cursor> <expires> <json>". */
const MEMBER = /^(\d+) -?\d+ (.*)$/s;

function toEntry(member: string): RevocationEntry {
  const match = MEMBER.exec(member);
  if (match === null) throw new TypeError('stored revocation entry is malformed');
  const input = JSON.parse(match[2] as string) as RevocationInput;
  if (!['session', 'user', 'all', 'key'].includes(input.kind)) {
    // Skipping it would silently un-revoke tokens.
    throw new TypeError('stored revocation entry has an unknown kind');
  }
  return { ...input, cursor: Number(match[1]) };
}

/**
 * The Redis {@link RevocationStore}: every entry in one sorted set by cursor, in one slot, with an
 * expiry index for purge. `add` assigns cursors and stores entries in one script, so cursor order
 * is commit order and a reader polling with `after` never skips one. Cursors are large integers
 * (at least Redis's clock in microseconds, see REVOCATION_ADD), still exact in a JSON number.
 *
 * @example
 * const revocations = new RedisRevocationStore(scripts, keys);
 * const { cursor, revoked } = await revocations.list({ after: 0, limit: 1000, now });
 */
export class RedisRevocationStore implements RevocationStore {
  constructor(
    private readonly scripts: RedisScripts,
    private readonly keys: RedisKeys,
  ) {}

  async add(entries: readonly RevocationInput[]): Promise<RevocationEntry[]> {
    if (entries.length === 0) return [];
    const args: (string | number)[] = [SKEW_MS];
    for (const entry of entries) args.push(entry.expires, JSON.stringify(entry));
    const cursors = (await this.scripts.run(
      'tesseraRevocationAdd',
      [this.keys.revocationLast(), this.keys.revocationLog(), this.keys.revocationExpiry()],
      args,
    )) as string[];
    return entries.map((entry, i) => ({ ...entry, cursor: Number(cursors[i]) }));
  }

  async list(options: ListRevocationsOptions): Promise<RevocationPage> {
    const after = options.after ?? 0;
    const members = (await this.scripts.run(
      'tesseraRevocationList',
      [this.keys.revocationLog()],
      [after, options.limit, Math.floor(options.now / 1000)],
    )) as string[];
    const revoked = members.map(toEntry);
    return { cursor: revoked.at(-1)?.cursor ?? after, revoked };
  }

  async purge(now: number): Promise<number> {
    return (await this.scripts.run(
      'tesseraRevocationPurge',
      [this.keys.revocationLog(), this.keys.revocationExpiry()],
      [Math.floor(now / 1000)],
    )) as number;
  }
}
