import {
  type DatabaseIntrospector,
  type Kysely,
  PostgresDialect,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely';
import pg from 'pg';
import { StoreError } from '../errors.js';

const INT8_OID = 20;

// int8 arrives as a string by default (it can exceed 2^53). Our int8 columns hold epoch ms and
// ids, far below that; parsing here, per pool, leaves the process-wide pg parsers untouched.
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new StoreError('ERR_STORE_INTEGER_RANGE', 'int8 value out of range');
  return n;
}

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? parseInt8
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/** PostgreSQL identifiers we accept for the schema: plain names, so quoting can't be escaped. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Checks a schema name before it is spliced into SQL and connection options.
 *
 * @example
 * assertSchemaName('tessera'); // ok; assertSchemaName('x"; drop') throws ERR_STORE_CONFIG
 */
export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new StoreError('ERR_STORE_CONFIG', 'schema must match /^[a-z_][a-z0-9_]{0,62}$/');
  }
}

/** Pool options the SQL store accepts for PostgreSQL. */
export interface PostgresPoolOptions {
  connectionString: string;
  schema: string;
  max?: number;
}

/**
 * A Kysely PostgreSQL dialect whose connections use `schema` as search_path and parse int8 as number.
 *
 * @example
 * const { dialect, pool } = createPostgresDialect({ connectionString, schema: 'tessera' });
 */
export function createPostgresDialect(options: PostgresPoolOptions): {
  dialect: PostgresDialect;
  pool: pg.Pool;
} {
  assertSchemaName(options.schema);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    types,
    // Every connection resolves unqualified table names in our schema, raw SQL included.
    options: `-c search_path=${options.schema}`,
  });
  // An idle connection dropped by the server must not crash the process: the pool replaces it,
  // and errors on checked-out connections still reach the query that was running.
  pool.on('error', () => {});
  return { dialect: new SchemaPostgresDialect({ pool }, options.schema), pool };
}

/**
 * Kysely's PostgreSQL introspector reads every table of every schema, calling
 * pg_get_serial_sequence on each: a schema dropped meanwhile by anyone else on the database makes
 * it fail with "schema … does not exist", and our migrations fail with it. The migrator only needs
 * the schemas and the tables of our own schema, so this one reads just those.
 */
class SchemaPostgresDialect extends PostgresDialect {
  constructor(
    config: ConstructorParameters<typeof PostgresDialect>[0],
    private readonly schema: string,
  ) {
    super(config);
  }

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    const schema = this.schema;
    const getSchemas = async (): Promise<SchemaMetadata[]> => {
      const { rows } = await sql<{
        name: string;
      }>`select nspname as name from pg_catalog.pg_namespace`.execute(db);
      return rows;
    };
    const getTables = async (): Promise<TableMetadata[]> => {
      const { rows } = await sql<{ name: string; type: string }>`
        select table_name as name, table_type as type from information_schema.tables
        where table_schema = ${schema}`.execute(db);
      return rows.map((row) => ({ name: row.name, schema, isView: row.type === 'VIEW', columns: [] }));
    };
    return { getSchemas, getTables, getMetadata: async () => ({ tables: await getTables() }) };
  }
}
