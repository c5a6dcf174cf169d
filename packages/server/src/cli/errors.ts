import { isJwtError } from '@tessera/jwt';
import { safeText } from './format.js';

/**
 * An expected failure of a command: its message is shown as is, on one line,
 * and the process exits with `exitCode`. Messages never contain a password,
 * a secret or key material.
 *
 * @example
 * throw new CliError(`no user with email ${email}`);
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * The one line printed for an error that ends a command. JwtErrors show their
 * code (their messages never hold key material); other errors show only their
 * message, flattened to one line, with control and bidi characters made visible
 * (a message may quote an email or a name from the store).
 *
 * @example
 * process.stderr.write(`tessera: ${describeError(err)}\n`);
 */
export function describeError(err: unknown): string {
  if (isJwtError(err)) return safeText(`${err.code}: ${err.message}`);
  const message = err instanceof Error ? err.message : String(err);
  return safeText(message.replace(/\s*\n\s*/g, ' ').trim()) || 'unknown error';
}
