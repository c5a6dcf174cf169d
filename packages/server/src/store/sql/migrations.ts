import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { SqlDialectName } from './schema.js';

// SQLite lets a rowid table's TEXT PRIMARY KEY hold NULL, hence the explicit NOT NULLs.
// Migrations live in code, not in files read at runtime, so the built package and a bundled
// CLI carry their schema with them. Never edit a shipped migration: add the next one.

/** Migrations are written against an untyped Kysely: they describe the schema, they don't query it. */
type SchemaDb = Kysely<unknown>;

function timestamps(dialect: SqlDialectName) {
  // bigint in PostgreSQL (epoch ms overflow int4); SQLite stores any integer in INTEGER affinity.
  return dialect === 'postgres' ? 'bigint' : 'integer';
}

async function createAccountsAndSessions(db: SchemaDb, dialect: SqlDialectName): Promise<void> {
  const ms = timestamps(dialect);
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('roles', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('permissions', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('blocked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('absolute_expires_at', ms, (c) => c.notNull())
    .addColumn('last_used_at', ms, (c) => c.notNull())
    .addColumn('revoked_at', ms)
    .addColumn('revoked_reason', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('ip', 'text')
    .addColumn('access_not_before', ms, (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();
  await db.schema
    .createIndex('sessions_absolute_expires_at')
    .on('sessions')
    .column('absolute_expires_at')
    .execute();
  // WITHOUT ROWID: every rotation looks a token up by its hash, so the hash index IS the table.
  await db.schema
    .createTable('refresh_tokens')
    .addColumn('hash', 'text', (c) => c.primaryKey().notNull())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms, (c) => c.notNull())
    .addColumn('used_at', ms)
    .addColumn('successor_hash', 'text')
    .addColumn('successor_sealed', 'text')
    .$call((t) => (dialect === 'sqlite' ? t.modifyEnd(sql`without rowid`) : t))
    .execute();
  await db.schema
    .createIndex('refresh_tokens_session_id')
    .on('refresh_tokens')
    .column('session_id')
    .execute();
  await db.schema
    .createIndex('refresh_tokens_expires_at')
    .on('refresh_tokens')
    .column('expires_at')
    .execute();
}

async function createOperationalTables(db: SchemaDb, dialect: SqlDialectName): Promise<void> {
  const ms = timestamps(dialect);
  // Store-assigned increasing ids: AUTOINCREMENT in SQLite never reuses an id, even after deletes.
  const serial = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('revocations')
    .addColumn('cursor', serial, (c) =>
      dialect === 'postgres' ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('issued_before', ms, (c) => c.notNull())
    .addColumn('expires_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('revocations_expires_at').on('revocations').column('expires_at').execute();
  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey().notNull())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('activates_at', ms, (c) => c.notNull())
    .addColumn('retired_at', ms)
    .addColumn('expires_at', ms)
    .execute();
  await db.schema
    .createTable('audit_events')
    .addColumn('id', serial, (c) =>
      dialect === 'postgres' ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('at', ms, (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('session_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('audit_events_user_id').on('audit_events').columns(['user_id', 'id']).execute();
  await db.schema.createIndex('audit_events_type').on('audit_events').columns(['type', 'id']).execute();
  await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute();
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey().notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('reset_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limits_reset_at').on('rate_limits').column('reset_at').execute();
  await db.schema
    .createTable('meta')
    .addColumn('name', 'text', (c) => c.primaryKey().notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

/**
 * Revocation entries gain a kind (session, user, all, key). The table is altered in place, never
 * rebuilt: a rebuild would restart the cursor sequence below cursors that guards already hold.
 */
async function addRevocationKinds(db: SchemaDb): Promise<void> {
  await db.schema.alterTable('revocations').renameColumn('session_id', 'target').execute();
  await db.schema
    .alterTable('revocations')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('session'))
    .execute();
}

async function createOAuthTables(db: SchemaDb, dialect: SqlDialectName): Promise<void> {
  const ms = timestamps(dialect);
  await db.schema
    .createTable('oauth_clients')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('auth_method', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text')
    .addColumn('jwks', 'text')
    .addColumn('signing_algs', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('grant_types', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('scopes', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  // Looked up by (kind, id) on every client assertion: the key IS the table.
  await db.schema
    .createTable('token_ids')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('expires_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('token_ids_pkey', ['kind', 'id'])
    .$call((t) => (dialect === 'sqlite' ? t.modifyEnd(sql`without rowid`) : t))
    .execute();
  await db.schema.createIndex('token_ids_expires_at').on('token_ids').column('expires_at').execute();
}

/** Sessions gain the DPoP key thumbprint their refresh tokens are bound to (RFC 9449 §5). */
async function addSessionDpopBinding(db: SchemaDb): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('dpop_jkt', 'text').execute();
}

/**
 * The session index of the Redis store (users' session ids and when purge looks at each): the
 * sessions themselves are in Redis, one hash each. No foreign key: the Redis store deletes a
 * user's sessions, entries included, before the user.
 */
async function createSessionIndex(db: SchemaDb, dialect: SqlDialectName): Promise<void> {
  const ms = timestamps(dialect);
  await db.schema
    .createTable('session_index')
    .addColumn('session_id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('look_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('session_index_user')
    .on('session_index')
    .columns(['user_id', 'created_at'])
    .execute();
  await db.schema.createIndex('session_index_look_at').on('session_index').column('look_at').execute();
}

function migrations(dialect: SqlDialectName): Record<string, Migration> {
  return {
    '0001_initial': {
      up: async (db) => {
        await createAccountsAndSessions(db, dialect);
        await createOperationalTables(db, dialect);
      },
    },
    '0002_revocation_kinds': { up: addRevocationKinds },
    '0003_oauth_clients': { up: (db) => createOAuthTables(db, dialect) },
    '0004_session_dpop_binding': { up: addSessionDpopBinding },
    '0005_session_index': { up: (db) => createSessionIndex(db, dialect) },
  };
}

class InCodeMigrations implements MigrationProvider {
  constructor(private readonly dialect: SqlDialectName) {}
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(migrations(this.dialect));
  }
}

function migrator(db: Kysely<unknown>, dialect: SqlDialectName, schema: string | undefined): Migrator {
  return new Migrator({
    db,
    provider: new InCodeMigrations(dialect),
    migrationTableName: 'tessera_migrations',
    migrationLockTableName: 'tessera_migration_lock',
    // Without an explicit schema Kysely would find a migration table in ANY schema of the database.
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
}

/**
 * Brings the schema up to the latest migration; idempotent, and safe when several instances
 * start at once (PostgreSQL: Kysely's advisory lock; SQLite: one IMMEDIATE transaction).
 *
 * @example
 * await migrateToLatest(db, 'postgres', 'tessera');
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  dialect: SqlDialectName,
  schema?: string,
): Promise<void> {
  const { error } = await migrator(db, dialect, schema).migrateToLatest();
  if (error !== undefined) throw error;
}

/**
 * Applies the migrations up to and including `name` only: how tests build a database as an
 * older release left it, to check that the later migrations upgrade it.
 *
 * @example
 * await migrateUpTo(db, 'sqlite', '0001_initial');
 */
export async function migrateUpTo(
  db: Kysely<unknown>,
  dialect: SqlDialectName,
  name: string,
  schema?: string,
): Promise<void> {
  const { error } = await migrator(db, dialect, schema).migrateTo(name);
  if (error !== undefined) throw error;
}
