import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
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

  /**
   * SQLite's `PRAGMA data_version`: it changes when ANOTHER connection (another process on the
   * file) commits, never for this connection's own writes. Read on the connection directly: it
   * is a counter, not a table read, and needs no batch.
   */
  dataVersion(): number {
    return this.#database.pragma('data_version', { simple: true }) as number;
  }
}

/**
 * The database holds password hashes, sealed keys and audit addresses: only its owner may read
 * it. Created 0600 before SQLite sees it (SQLite would create it 0644 minus the umask, whatever
 * the directory's mode), and tightened when an older release or a copy left it looser. SQLite
 * gives the -wal and -shm files the database file's mode; left-over ones are tightened too.
 */
function ownerOnly(path: string, create: boolean): void {
  if (create) closeSync(openSync(path, 'a', 0o600));
  try {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Opens (creating the file, 0600, and its directory, 0700, if missing) a better-sqlite3 database tuned for the
 * store, wrapped in a Kysely dialect that commits in groups ({@link GroupCommitSqliteDriver}).
 *
 * @example
 * const db = new Kysely<Database>({ dialect: createSqliteDialect('data/tessera.db') });
 */
export function createSqliteDialect(filename: string): SqliteDialect & { dataVersion(): number } {
  const onDisk = filename !== ':memory:' && !filename.startsWith('file:');
  if (onDisk) {
    mkdirSync(dirname(resolve(filename)), { recursive: true, mode: 0o700 });
    ownerOnly(filename, true);
  }
  const database = new Database(filename);
  // busy_timeout first: switching to WAL needs a lock another process may briefly hold.
  database.pragma('busy_timeout = 5000');
  database.pragma('journal_mode = WAL');
  if (onDisk) for (const suffix of ['-wal', '-shm']) ownerOnly(`${filename}${suffix}`, false);
  // NORMAL in WAL mode stays consistent after a crash and only risks the last commits on power loss.
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  return new GroupCommitSqliteDialect(database);
}
