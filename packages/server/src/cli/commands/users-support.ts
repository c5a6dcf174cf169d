import type { TesseraService } from '../../service/index.js';
import type { User } from '../../store/index.js';
import { CliError } from '../errors.js';

/**
 * Audit entries written by the CLI say so (as their user agent).
 *
 * @example
 * await service.accounts.setBlocked(user.id, true, CLI_ACTOR);
 */
export const CLI_ACTOR = { meta: { userAgent: 'tessera-cli' } } as const;

const NAME = /^[^\s,]{1,64}$/;
const MAX_NAMES = 64;

/**
 * Role or permission names from repeatable, variadic or comma-separated
 * arguments (`--role admin --role ops`, `--role admin ops`, `--role admin,ops`),
 * deduplicated, each 1 to 64 characters without spaces or commas.
 *
 * @example
 * parseNames(['admin,user', 'ops'], 'role'); // ['admin', 'user', 'ops']
 */
export function parseNames(values: readonly string[] | undefined, kind: 'role' | 'permission'): string[] {
  const names = [...new Set((values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()))].filter(
    (v) => v !== '',
  );
  for (const name of names) {
    if (!NAME.test(name)) throw new CliError(`${kind} names are 1 to 64 characters without spaces or commas`);
  }
  if (names.length > MAX_NAMES) throw new CliError(`at most ${MAX_NAMES} ${kind}s`);
  return names;
}

/**
 * The account with this email (case and surrounding spaces don't matter), or a CliError.
 *
 * @example
 * const user = await findUser(service, 'Ada@Example.com');
 */
export async function findUser(service: TesseraService, email: string): Promise<User> {
  const user = await service.store.users.findByEmail(email);
  if (user === null) throw new CliError(`no user with email ${email.trim()}`);
  return user;
}
