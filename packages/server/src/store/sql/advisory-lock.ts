import { sql, type Transaction } from 'kysely';
import type { Database, SqlDialectName } from './schema.js';

/**
 * Tessera's PostgreSQL advisory-lock keys. They are database-wide, so stores in two schemas of
 * one database share them: that costs a little contention, never correctness.
 */
export const ADVISORY_LOCKS = {
  revocations: 0x7e55_0001,
  signingKeys: 0x7e55_0002,
  schemaCreation: 0x7e55_0003,
} as const;

/**
 * Serializes the current transaction against every other holder of `key` until it commits.
 * SQLite needs nothing: its IMMEDIATE transactions are already serialized.
 *
 * @example
 * await db.transaction().execute(async (trx) => { await lockTransaction(trx, 'postgres', ADVISORY_LOCKS.revocations); ... });
 */
export async function lockTransaction(
  trx: Transaction<Database>,
  dialect: SqlDialectName,
  key: number,
): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${sql.lit(key)})`.execute(trx);
}
