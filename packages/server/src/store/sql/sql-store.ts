import { Kysely, sql } from 'kysely';
import type { RevocationSignal, Store } from '../contract/index.js';
import { LocalRevocationSignal } from '../signal/local.js';
import { ADVISORY_LOCKS, lockTransaction } from './advisory-lock.js';
import { SqlAuditStore } from './audit.js';
import { SqlClientStore } from './clients.js';
import { SqlSigningKeyStore } from './keys.js';
import { SqlMetaStore } from './meta.js';
import { migrateToLatest } from './migrations.js';
import { PostgresRevocationSignal } from './notify.js';
import { assertSchemaName, createPostgresDialect } from './postgres.js';
import { SqlRateLimitStore } from './rate-limits.js';
import { SqlRevocationStore } from './revocations.js';
import type { SqlContext } from './rows.js';
import type { Database, SqlDialectName } from './schema.js';
import { SqlSessionIndex } from './session-index.js';
import { SqlSessionStore } from './sessions.js';
import { createSqliteDialect } from './sqlite.js';
import { SqlTokenIdStore } from './token-ids.js';
import { SqlUserStore } from './users.js';

/** The default PostgreSQL schema: our tables stay out of an application's `public` schema. */
export const DEFAULT_POSTGRES_SCHEMA = 'tessera';

/** Options of {@link createSqlStore}. `migrate: false` skips the migration run (then call `store.migrate()`). */
export type SqlStoreOptions =
  | { dialect: 'sqlite'; filename: string; migrate?: boolean }
  | {
      dialect: 'postgres';
      connectionString: string;
      /** Created if missing. Default {@link DEFAULT_POSTGRES_SCHEMA}. */
      schema?: string;
      /** Pool size, default 10. */
      poolSize?: number;
      migrate?: boolean;
    };

/**
 * The SQL implementation of {@link Store}, on Kysely, for SQLite and PostgreSQL alike.
 *
 * @example
 * const store = await createSqlStore({ dialect: 'sqlite', filename: 'data/tessera.db' });
 * await store.users.count();
 */
export class SqlStore implements Store {
  readonly dialect: SqlDialectName;
  readonly users: SqlUserStore;
  readonly sessions: SqlSessionStore;
  readonly revocations: SqlRevocationStore;
  readonly keys: SqlSigningKeyStore;
  readonly audit: SqlAuditStore;
  readonly rateLimits: SqlRateLimitStore;
  readonly meta: SqlMetaStore;
  readonly clients: SqlClientStore;
  readonly tokenIds: SqlTokenIdStore;
  /** Used by the Redis store (users' session ids, purge schedule); empty otherwise. */
  readonly sessionIndex: SqlSessionIndex;
  /** In-process on SQLite; LISTEN/NOTIFY on PostgreSQL when opened by {@link createSqlStore}. */
  readonly revocationSignal: RevocationSignal;
  readonly #db: Kysely<Database>;
  readonly #schema: string | undefined;
  #closed: Promise<void> | null = null;

  /**
   * Prefer {@link createSqlStore}; this wraps an already configured Kysely instance. `schema`:
   * the PostgreSQL schema to create on migrate. `signal`: in-process unless given. `dataVersion`:
   * SQLite's change counter for other connections (see {@link SqlContext}).
   */
  constructor(
    db: Kysely<Database>,
    dialect: SqlDialectName,
    options: { schema?: string; signal?: RevocationSignal; dataVersion?: () => number } = {},
  ) {
    const { schema, signal = new LocalRevocationSignal(), dataVersion } = options;
    this.revocationSignal = signal;
    const ctx: SqlContext = { db, dialect, dataVersion };
    this.dialect = dialect;
    this.#db = db;
    this.#schema = schema;
    this.users = new SqlUserStore(ctx);
    this.sessions = new SqlSessionStore(ctx);
    this.revocations = new SqlRevocationStore(ctx);
    this.keys = new SqlSigningKeyStore(ctx);
    this.audit = new SqlAuditStore(ctx);
    this.rateLimits = new SqlRateLimitStore(ctx);
    this.meta = new SqlMetaStore(ctx);
    this.clients = new SqlClientStore(ctx);
    this.tokenIds = new SqlTokenIdStore(ctx);
    this.sessionIndex = new SqlSessionIndex(ctx);
  }

  /**
   * Creates the PostgreSQL schema if missing and applies pending migrations. Idempotent and safe
   * to run from several instances at once; {@link createSqlStore} already calls it.
   *
   * @example
   * const store = await createSqlStore({ ...options, migrate: false });
   * await store.migrate();
   */
  async migrate(): Promise<void> {
    if (this.dialect === 'postgres' && this.#schema !== undefined) await this.#ensureSchema(this.#schema);
    await migrateToLatest(this.#db as Kysely<unknown>, this.dialect, this.#schema);
  }

  /** Closes the SQLite file or ends the PostgreSQL pool; calling it again is harmless. */
  close(): Promise<void> {
    this.#closed ??= this.revocationSignal.close().then(() => this.#db.destroy());
    return this.#closed;
  }

  async #ensureSchema(schema: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      // Instances starting together would race CREATE SCHEMA IF NOT EXISTS into a unique violation.
      await lockTransaction(trx, 'postgres', ADVISORY_LOCKS.schemaCreation);
      // Look first: CREATE SCHEMA IF NOT EXISTS still demands the CREATE privilege on the
      // database, which a least-privilege role given an existing schema doesn't have.
      const found = await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(trx);
      if (found.rows.length === 0) await sql`create schema ${sql.id(schema)}`.execute(trx);
    });
  }
}

/**
 * Opens a SQL store and, unless `migrate: false`, brings its schema up to date before resolving.
 * SQLite: the file (and its directory) is created if missing, in WAL mode. PostgreSQL: a `pg`
 * pool whose connections use `schema` as search_path.
 *
 * @example
 * const store = await createSqlStore({ dialect: 'postgres', connectionString: process.env.DATABASE_URL!, schema: 'tessera' });
 * try { await store.rateLimits.hit('k', 60_000, Date.now()); } finally { await store.close(); }
 */
export async function createSqlStore(options: SqlStoreOptions): Promise<SqlStore> {
  let store: SqlStore;
  if (options.dialect === 'sqlite') {
    const dialect = createSqliteDialect(options.filename);
    store = new SqlStore(new Kysely<Database>({ dialect }), 'sqlite', {
      dataVersion: () => dialect.dataVersion(),
    });
  } else {
    const schema = options.schema ?? DEFAULT_POSTGRES_SCHEMA;
    assertSchemaName(schema);
    const { dialect } = createPostgresDialect({
      connectionString: options.connectionString,
      schema,
      ...(options.poolSize === undefined ? {} : { max: options.poolSize }),
    });
    const db = new Kysely<Database>({ dialect });
    const signal = new PostgresRevocationSignal(db as Kysely<unknown>, options.connectionString, schema);
    store = new SqlStore(db, 'postgres', { schema, signal });
  }
  if (options.migrate !== false) {
    try {
      await store.migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  return store;
}
