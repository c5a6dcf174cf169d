import { TesseraServerError } from '../server-error.js';

/**
 * Every code a {@link ServiceError} carries. Expected outcomes of the service (wrong password,
 * unknown user, the last admin) are results that callers switch on; these are failures.
 * `docs/errors.md` documents each one.
 */
export const SERVICE_ERROR_CODES = {
  ERR_SIGNING_KEY_UNAVAILABLE:
    'No signing key is active yet: the keys were not loaded (load() and maintain() first).',
  ERR_SIGNING_KEY_CONFLICT:
    'Another instance created a signing key at the same moment; the rotation did not happen: run it again.',
} as const;

/** A stable code of the service layer. */
export type ServiceErrorCode = keyof typeof SERVICE_ERROR_CODES;

/**
 * A failure of the service layer (not an expected outcome, which is a result).
 *
 * @example
 * try { await service.keys.rotate(); } catch (err) {
 *   if (err instanceof ServiceError && err.code === 'ERR_SIGNING_KEY_CONFLICT') await service.keys.rotate();
 * }
 */
export class ServiceError extends TesseraServerError {
  override readonly name = 'ServiceError';
  declare readonly code: ServiceErrorCode;

  constructor(code: ServiceErrorCode, message: string) {
    super(code, message);
  }
}
