/** Stable codes of the errors a store throws, with their meaning (also in docs/errors.md). */
export const STORE_ERROR_CODES = {
  ERR_STORE_CONFIG: "The store's options are invalid.",
  ERR_STORE_INTEGER_RANGE: 'A number does not fit the column that should hold it.',
  ERR_STORE_CONFLICT: 'A session id or a refresh-token hash that already exists.',
  ERR_STORE_REDIS_VOLATILE: 'Redis would lose sessions and revocations on a restart (appendonly is off).',
} as const;

/** Stable codes of the errors a store throws; expected outcomes are results, not errors. */
export type StoreErrorCode = keyof typeof STORE_ERROR_CODES;

/**
 * The one error class of the store module. Messages never contain tokens, hashes or secrets.
 *
 * @example
 * try { await createSqlStore(options); } catch (e) { if (e instanceof StoreError && e.code === 'ERR_STORE_CONFIG') usage(); }
 */
export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }
}
