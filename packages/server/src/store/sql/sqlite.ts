import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { type DialectAdapter, type Driver, SqliteAdapter, SqliteDialect } from 'kysely';
import { GroupCommitSqliteDriver } from './group-commit.js';

// SQLite does run DDL inside transactions; telling Kysely so makes the migrator use one
// transaction, so two processes starting on a new file can't both apply a migration.
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class GroupCommitSqliteDialect extends SqliteDialect {
  readonly #database: Database.Database;

  constructor(database: Database.Database) {
    super({ database });
    this.#database = database;
  }

  override createDriver(): Driver {
    return new GroupCommitSqliteDriver(this.#database);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * Opens (creating the file and its directory if missing) a better-sqlite3 database tuned for the
 * store, wrapped in a Kysely dialect that commits in groups ({@link GroupCommitSqliteDriver}).
 *
 * @example
 * const db = new Kysely<Database>({ dialect: createSqliteDialect('data/tessera.db') });
 */
export function createSqliteDialect(filename: string): SqliteDialect {
  if (filename !== ':memory:') mkdirSync(dirname(resolve(filename)), { recursive: true });
  const database = new Database(filename);
  // busy_timeout first: switching to WAL needs a lock another process may briefly hold.
  database.pragma('busy_timeout = 5000');
  database.pragma('journal_mode = WAL');
  // NORMAL in WAL mode stays consistent after a crash and only risks the last commits on power loss.
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  return new GroupCommitSqliteDialect(database);
}
