import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  SqliteAdapter,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type SqliteStatement,
} from 'kysely';

// Kysely's SQLite driver opens transactions with a plain (DEFERRED) BEGIN: two processes on one
// file could then both read a refresh token as unused before either writes. BEGIN IMMEDIATE takes
// the write lock up front, so every transaction of this store is serialized across connections.
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

// SQLite does run DDL inside transactions; telling Kysely so makes the migrator use one
// IMMEDIATE transaction, so two processes starting on a new file can't both apply a migration.
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/** Enough for every query shape the store builds; `in (...)` lists of many sizes just cycle out. */
const STATEMENT_CACHE_SIZE = 256;

// Kysely prepares every query anew; our queries come in a few dozen fixed shapes, so reusing the
// prepared statement skips SQLite's parse and plan on the hot path (rotation, rate limits).
function withStatementCache(database: Database.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) {
          const oldest = cache.keys().next();
          if (oldest.done !== true) cache.delete(oldest.value);
        }
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * Opens (creating the file and its directory if missing) a better-sqlite3 database tuned for the
 * store, wrapped in a Kysely dialect whose transactions are IMMEDIATE.
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
  return new ImmediateSqliteDialect({ database: withStatementCache(database) });
}
