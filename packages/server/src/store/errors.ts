import { TesseraServerError } from '../server-error.js';

/**
 * Every code a {@link StoreError} carries. Expected outcomes (a duplicate email, a reused
 * refresh token) are results, never errors; these are failures. `docs/errors.md` documents each.
 */
export const STORE_ERROR_CODES = {
  ERR_STORE_CONFIG:
    'The store options are invalid (for example a PostgreSQL schema name that is not an identifier).',
  ERR_STORE_INTEGER_RANGE: 'A stored integer is outside the range JavaScript numbers hold exactly.',
  ERR_STORE_CORRUPT:
    'A stored row does not have the shape the store wrote (a JSON column, a missing returned row).',
  ERR_STORE_CLOSED: 'The store was used after close().',
  ERR_STORE_ROLLED_BACK:
    'SQLite rolled the batch transaction back (an I/O error, a full disk); the write did not happen.',
  ERR_STORE_UNSUPPORTED: 'The operation is not supported by this store (a programming error).',
  ERR_STORE_QUERY: 'A prepared query was built with a parameter it does not use (a programming error).',
  ERR_STORE_CONFLICT: 'A session id or a refresh-token hash that already exists.',
  ERR_STORE_REDIS_VOLATILE:
    'Redis would lose sessions and revocations on a restart (appendonly is off), and redisAllowVolatile is not set.',
} as const;

/** Stable codes of the errors a store throws. */
export type StoreErrorCode = keyof typeof STORE_ERROR_CODES;

/**
 * The one error class of the store module. Messages never contain tokens, hashes or secrets.
 *
 * @example
 * try { await createSqlStore(options); } catch (e) { if (e instanceof StoreError && e.code === 'ERR_STORE_CONFIG') usage(); }
 */
export class StoreError extends TesseraServerError {
  override readonly name = 'StoreError';
  declare readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
