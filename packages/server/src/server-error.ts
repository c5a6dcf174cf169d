/**
 * The base of every error @tessera/server throws on purpose: each carries a stable `code` that
 * `docs/errors.md` documents (see `SERVER_ERROR_CODES`). Messages never contain a token, a
 * password or key material. Programs switch on `code`, never on the message.
 *
 * @example
 * try {
 *   await openRuntime(config);
 * } catch (err) {
 *   if (err instanceof TesseraServerError && err.code === 'ERR_STORE_CLOSED') retry();
 * }
 */
export class TesseraServerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}
