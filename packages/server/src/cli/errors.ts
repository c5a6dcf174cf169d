import { isJwtError } from '@tessera/jwt';
import { TesseraServerError } from '../server-error.js';
import type { ServerWarningCode } from '../warnings.js';
import { safeText } from './format.js';

/** Every code a {@link CliError} carries; `docs/errors.md` documents each one. */
export const CLI_ERROR_CODES = {
  ERR_CLI_USAGE: 'The arguments or options are missing, contradict each other or are malformed.',
  ERR_CLI_INPUT:
    'Standard input, the terminal or a named file could not be read, or what it held is unusable (an empty or mismatched password, an unreadable key file).',
  ERR_CLI_NO_DATABASE: 'There is no Tessera database in the data directory (a mistyped --data-dir).',
  ERR_CLI_NOT_FOUND: 'No account has this email, no client has this id, or no signing key has this kid.',
  ERR_CLI_CONFLICT: 'An account with this email already exists.',
  ERR_CLI_LAST_ADMIN:
    'The change would leave no unblocked admin: removing the admin role from, blocking or deleting the last one is refused.',
  ERR_CLI_KEY_UNUSABLE: 'The verification key or key set is weak or could not be fetched.',
  ERR_CLI_TOKEN_INVALID: 'The token could not be decoded, or did not verify.',
} as const;

/** A stable code of a command's expected failure. */
export type CliErrorCode = keyof typeof CLI_ERROR_CODES;

/**
 * An expected failure of a command: its message is shown as is, on one line,
 * and the process exits with `exitCode`. Messages never contain a password,
 * a secret or key material.
 *
 * @example
 * throw new CliError('ERR_CLI_NOT_FOUND', `no user with email ${email}`);
 */
export class CliError extends TesseraServerError {
  override readonly name = 'CliError';
  declare readonly code: CliErrorCode;

  constructor(
    code: CliErrorCode,
    message: string,
    readonly exitCode = 1,
  ) {
    super(code, message);
  }
}

/**
 * The one line printed for an error that ends a command. A CliError shows its
 * message (written for the operator); JwtErrors and the server's other coded
 * errors show their code first (their messages never hold key material); any
 * other error shows only its message, flattened to one line. Control and bidi
 * characters are made visible (a message may quote an email or a name from the store).
 *
 * @example
 * process.stderr.write(`tessera: ${describeError(err)}\n`);
 */
export function describeError(err: unknown): string {
  if (isJwtError(err)) return safeText(`${err.code}: ${err.message}`);
  const message = err instanceof Error ? err.message : String(err);
  const line = safeText(message.replace(/\s*\n\s*/g, ' ').trim()) || 'unknown error';
  if (err instanceof TesseraServerError && !(err instanceof CliError)) return `${err.code}: ${line}`;
  return line;
}

/**
 * Prints a coded warning for the operator: one `tessera: warning: CODE: message` line on stderr
 * (the codes are in `SERVER_WARNING_CODES` and docs/errors.md).
 *
 * @example
 * printWarning('TESSERA_ISSUER_PORT_ZERO', 'with --port 0 the default issuer ends in :0; set "issuer" in the config file');
 */
export function printWarning(code: ServerWarningCode, message: string): void {
  process.stderr.write(`tessera: warning: ${code}: ${message}\n`);
}
