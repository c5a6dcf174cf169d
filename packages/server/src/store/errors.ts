/** Stable codes of the errors a store throws; expected outcomes are results, not errors. */
export type StoreErrorCode = 'ERR_STORE_CONFIG' | 'ERR_STORE_INTEGER_RANGE';

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
