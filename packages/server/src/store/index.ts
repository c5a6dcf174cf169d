// The public surface of the store module: the contract and the SQL store. The conformance suite
// is its own entry point (./conformance/index.js) so that production code never loads node:test.
export * from './contract/index.js';
export { STORE_ERROR_CODES, StoreError, type StoreErrorCode } from './errors.js';
export type { SqlDialectName } from './sql/schema.js';
export {
  createSqlStore,
  DEFAULT_POSTGRES_SCHEMA,
  SqlStore,
  type SqlStoreOptions,
} from './sql/sql-store.js';
