import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  type Generated,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
} from 'kysely';
import { GroupCommitSqliteDriver } from './group-commit.js';

interface Tables {
  items: { id: Generated<number>; name: string };
  // Checked at COMMIT: the one way to make a commit fail on demand.
  children: { id: Generated<number>; parent_id: number };
}

const dir = mkdtempSync(join(tmpdir(), 'tessera-group-commit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

interface Fixture {
  db: Kysely<Tables>;
  driver: GroupCommitSqliteDriver;
  /** A second connection to the same file: it sees committed data only. */
  reader: Database.Database;
  commits: () => number;
  names: () => string[];
}

async function open(): Promise<Fixture> {
  const filename = join(dir, `db-${++fileNo}.sqlite`);
  const raw = new Database(filename);
  raw.pragma('journal_mode = WAL');
  raw.pragma('foreign_keys = ON');
  raw.exec(`create table items (id integer primary key, name text not null unique);
    create table children (id integer primary key,
      parent_id integer not null references items (id) deferrable initially deferred)`);
  let commits = 0;
  const exec = raw.exec.bind(raw);
  raw.exec = (source: string) => {
    if (source === 'COMMIT') commits++;
    return exec(source);
  };
  const driver = new GroupCommitSqliteDriver(raw);
  const db = new Kysely<Tables>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => driver,
      createIntrospector: (k) => new SqliteIntrospector(k),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  });
  const reader = new Database(filename, { readonly: true });
  const names = () =>
    (reader.prepare('select name from items order by id').all() as { name: string }[]).map((r) => r.name);
  return { db, driver, reader, commits: () => commits, names };
}

const insert = (db: Kysely<Tables>, name: string) => db.insertInto('items').values({ name }).execute();

describe('GroupCommitSqliteDriver', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await open();
  });
  afterEach(async () => {
    await f.db.destroy();
    f.reader.close();
  });

  it('commits the operations of one event-loop turn once, and resolves each after that commit', async () => {
    const done = Array.from({ length: 20 }, (_, i) =>
      insert(f.db, `item-${i}`).then(() => {
        // Resolved means committed: another connection already sees the row.
        assert.ok(f.names().includes(`item-${i}`));
      }),
    );
    await Promise.all(done);
    assert.equal(f.commits(), 1);
    assert.equal(f.names().length, 20);
  });

  it('runs each transaction as a savepoint: a rollback undoes only that transaction', async () => {
    const results = await Promise.allSettled([
      insert(f.db, 'before'),
      f.db.transaction().execute(async (trx) => {
        await insert(trx, 'rolled-back');
        throw new Error('abort');
      }),
      f.db.transaction().execute((trx) => insert(trx, 'kept')),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(f.names(), ['before', 'kept']);
    assert.equal(f.commits(), 1);
  });

  it('fails only the statement that breaks a constraint, not its batch', async () => {
    await insert(f.db, 'taken');
    const results = await Promise.allSettled([insert(f.db, 'taken'), insert(f.db, 'free')]);
    assert.equal(results[0]?.status, 'rejected');
    assert.equal(results[1]?.status, 'fulfilled');
    assert.deepEqual(f.names(), ['taken', 'free']);
  });

  it('fails every operation of a batch whose commit fails, and keeps none of its writes', async () => {
    const results = await Promise.allSettled([
      insert(f.db, 'innocent'),
      // The deferred foreign key is only checked at COMMIT, which it makes fail.
      f.db.insertInto('children').values({ parent_id: 404 }).execute(),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    assert.deepEqual(f.names(), []);
    // The next batch starts clean.
    await insert(f.db, 'after');
    assert.deepEqual(f.names(), ['after']);
  });

  it('reads its own batch and sees earlier batches', async () => {
    await insert(f.db, 'a');
    const [, rows] = await Promise.all([
      insert(f.db, 'b'),
      f.db.selectFrom('items').select('name').execute(),
    ]);
    assert.deepEqual(
      rows.map((r) => r.name),
      ['a', 'b'],
    );
  });

  it('commits the pending batch when destroyed, and fails operations after that', async () => {
    // Driven by hand, to destroy between an operation's release and its batch's commit.
    const connection = await f.driver.acquireConnection();
    await connection.executeQuery(CompiledQuery.raw("insert into items (name) values ('last')"));
    const released = f.driver.releaseConnection();
    await f.driver.destroy();
    await released;
    assert.deepEqual(f.names(), ['last']);
    await assert.rejects(f.driver.acquireConnection(), /closed/);
  });

  it('holds the write lock for its batch only', async () => {
    await insert(f.db, 'mine');
    // Between batches another connection can write at once.
    const other = new Database(join(dir, `db-${fileNo}.sqlite`), { timeout: 0 });
    try {
      other.exec("insert into items (name) values ('theirs')");
    } finally {
      other.close();
    }
    const rows = await sql<{ n: number }>`select count(*) as n from items`.execute(f.db);
    assert.equal(rows.rows[0]?.n, 2);
  });
});
