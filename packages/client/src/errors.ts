import type { ClientErrorCode } from './error-codes.js';

/**
 * The one error class of @tessera/client. The message never contains a token,
 * a password or a cookie; for server refusals it is the server's fixed
 * description.
 *
 * @example
 * try {
 *   await client.login(email, password);
 * } catch (err) {
 *   if (err instanceof TesseraClientError && err.code === 'ERR_CLIENT_INVALID_CREDENTIALS') showWrongPassword();
 *   else throw err;
 * }
 */
export class TesseraClientError extends Error {
  override readonly name = 'TesseraClientError';
  readonly code: ClientErrorCode;
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** For ERR_CLIENT_RATE_LIMITED: the server's Retry-After, in seconds. */
  readonly retryAfter: number | undefined;

  constructor(
    code: ClientErrorCode,
    message: string,
    opts: { status?: number; retryAfter?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.code = code;
    this.status = opts.status;
    this.retryAfter = opts.retryAfter;
  }
}

/** Network, 5xx and 429 failures pass; a refresh retries them and never signs out for them. */
export const isTransient = (err: unknown): boolean =>
  err instanceof TesseraClientError && /NETWORK|SERVER|RATE/.test(err.code);
