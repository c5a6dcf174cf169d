// PostgreSQL for tests: where it is, whether it answers, and throwaway schemas so that test
// files running in parallel never share tables.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The default test database; override with TESSERA_TEST_PG_URL. */
export const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The connection string tests use.
 *
 * @example
 * const url = postgresTestUrl(); // TESSERA_TEST_PG_URL or the local default
 */
export function postgresTestUrl(): string {
  return process.env.TESSERA_TEST_PG_URL || DEFAULT_TEST_PG_URL;
}

/**
 * The URL without its password, fit for a log line.
 *
 * @example
 * redactUrl('postgres://u:secret@h/db'); // 'postgres://u:***@h/db'
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable connection string)';
  }
}

/** The outcome of {@link postgresForTests}: `skip` is the one line to report when PostgreSQL is absent. */
export interface PostgresForTests {
  url: string;
  skip: string | undefined;
}

/**
 * Checks that PostgreSQL answers. When it doesn't: in CI (`CI=true`) this throws, so the test
 * file fails; elsewhere it returns a one-line skip message naming `what` was skipped.
 *
 * @example
 * const pg = await postgresForTests('store-postgres');
 * if (pg.skip) it('PostgreSQL store', { skip: pg.skip }, () => {});
 */
export async function postgresForTests(what: string): Promise<PostgresForTests> {
  const url = postgresTestUrl();
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { url, skip: undefined };
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    const where = `PostgreSQL not reachable at ${redactUrl(url)}`;
    if (process.env.CI === 'true') throw new Error(`${where} (${cause}); CI requires it for ${what} tests`);
    return {
      url,
      skip: `${where}: ${what} tests skipped (start PostgreSQL or set TESSERA_TEST_PG_URL to enable them)`,
    };
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A fresh schema name, unique per call.
 *
 * @example
 * const schema = randomSchemaName(); // 'tessera_test_5f0c2a9e41b7'
 */
export function randomSchemaName(prefix = 'tessera_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/**
 * Drops a test schema and everything in it.
 *
 * @example
 * after(() => dropSchema(url, schema));
 */
export async function dropSchema(url: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('refusing to drop an unusual schema name');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/**
 * A database of its own on the test server, dropped (with its connections) by `drop`: what a
 * test of `tessera serve` needs, since the CLI always uses the schema `tessera`.
 *
 * @example
 * const db = await createTestDatabase(postgres.url); after(() => db.drop());
 */
export async function createTestDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = randomSchemaName('tessera_e2e');
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const own = new URL(url);
  own.pathname = `/${name}`;
  return {
    url: own.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
