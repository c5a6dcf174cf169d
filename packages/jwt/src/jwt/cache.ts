import type { VerifiedJwt } from './types.js';

interface Entry {
  /** The whole token: a hit needs exactly these bytes. */
  readonly token: string;
  readonly result: VerifiedJwt;
  /** Epoch ms from which the token is valid (nbf minus tolerance). */
  readonly from: number;
  /** Epoch ms until which the token is valid (exp, and maxTokenAge, plus tolerance). */
  readonly until: number;
  /** The key-set version the token was verified with. */
  readonly version: number;
}

/**
 * How many trailing characters of a token index the cache. They fall inside the
 * signature (43 characters at least, for HS256), so the tokens of one issuer
 * differ there; and hashing 32 characters instead of the whole token (300 and
 * more) saves about half a microsecond per lookup, the largest part of a hit.
 */
const INDEX_LENGTH = 32;

/**
 * A bounded cache of verified tokens. A hit needs the exact same bytes as a
 * token verified before: the map is indexed by the token's last characters,
 * and the entry's whole token must then equal the one looked up, so no
 * collision, crafted or not, can return another token's claims (it is a miss).
 * Entries never outlive the token's own validity, and results are deep-frozen
 * so one caller cannot change what the next one reads.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries: number) {}

  get(token: string, nowMs: number, version: number): VerifiedJwt | undefined {
    const index = token.slice(-INDEX_LENGTH);
    const entry = this.entries.get(index);
    if (entry === undefined || entry.token !== token) return undefined;
    if (nowMs >= entry.until || nowMs < entry.from || entry.version !== version) {
      if (nowMs >= entry.until || entry.version !== version) this.entries.delete(index);
      return undefined;
    }
    return entry.result;
  }

  set(token: string, result: VerifiedJwt, from: number, until: number, version: number): VerifiedJwt {
    deepFreeze(result);
    const index = token.slice(-INDEX_LENGTH);
    if (this.entries.size >= this.maxEntries && !this.entries.has(index)) {
      // Evict the oldest insertion: Map iterates in insertion order.
      this.entries.delete(this.entries.keys().next().value as string);
    }
    // Another token with the same last characters loses its entry (it is verified again when next seen).
    this.entries.set(index, { token, result, from, until, version });
    return result;
  }

  get size(): number {
    return this.entries.size;
  }
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
