import type BetterSqlite3 from 'better-sqlite3';
import type { CompiledQuery, DatabaseConnection, Driver, QueryResult } from 'kysely';
import { StoreError } from '../errors.js';

/** Enough for every query shape the store builds; `in (...)` lists of many sizes just cycle out. */
const STATEMENT_CACHE_SIZE = 256;

/** The savepoint that stands for one Kysely transaction inside the shared commit. */
const TRANSACTION = 'tessera_transaction';

/** A first-come, first-served lock for the one connection. */
class Mutex {
  #locked = false;
  readonly #waiters: (() => void)[] = [];

  lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Hands the lock straight to the next waiter, so nobody can overtake the queue. */
  unlock(): void {
    const next = this.#waiters.shift();
    if (next === undefined) this.#locked = false;
    else next();
  }
}

/** The outer transaction that every operation of one event-loop turn joins. */
class Batch {
  readonly committed: Promise<void>;
  settle!: (error?: unknown) => void;

  constructor() {
    this.committed = new Promise<void>((resolve, reject) => {
      this.settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    // Awaited by every operation of the batch; a batch whose operations all failed first is no
    // unhandled rejection.
    this.committed.catch(() => {});
  }
}

class GroupCommitConnection implements DatabaseConnection {
  readonly #db: BetterSqlite3.Database;
  readonly #statements = new Map<string, BetterSqlite3.Statement>();

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  async executeQuery<R>({ sql, parameters }: CompiledQuery): Promise<QueryResult<R>> {
    // An I/O error or a full disk rolls the whole outer transaction back: running on would
    // autocommit, outside the batch whose result the caller will wait for.
    if (!this.#db.inTransaction)
      throw new StoreError('ERR_STORE_ROLLED_BACK', 'sqlite: the batch transaction was rolled back');
    const statement = this.#prepare(sql);
    if (statement.reader) return { rows: statement.all(parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  // biome-ignore lint/correctness/useYield: the store never streams; Kysely's interface asks for it.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new StoreError('ERR_STORE_UNSUPPORTED', 'sqlite: streaming is not supported by the Tessera store');
  }

  // Kysely compiles our queries into a few dozen fixed shapes; reusing the prepared statement
  // skips SQLite's parse and plan on the hot path (rotation, rate limits).
  #prepare(sql: string): BetterSqlite3.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = this.#statements.keys().next();
        if (oldest.done !== true) this.#statements.delete(oldest.value);
      }
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

/**
 * A Kysely driver for one better-sqlite3 connection that commits in groups. The
 * first operation of an event-loop turn opens `BEGIN IMMEDIATE`; every query and
 * transaction that runs before the next `setImmediate` joins it (a transaction as
 * a savepoint, so its rollback leaves the others alone), and one `COMMIT` ends
 * them all. An operation resolves only once that commit is done, so nobody acts on
 * data that could still be lost; if the commit fails, every operation of the batch
 * fails with it.
 *
 * A WAL commit writes every page the transaction changed: under load, fifty
 * refresh rotations that each touch the same table and index pages cost about one
 * commit instead of a hundred (each refresh is a rate-limit hit and a rotation).
 * The write lock is held from the batch's first statement to its commit, so
 * every batch is serialized against other processes on the file, as IMMEDIATE
 * transactions were.
 *
 * @example
 * const db = new Kysely<Database>({ dialect: createSqliteDialect('data/tessera.db') }); // uses this driver
 */
export class GroupCommitSqliteDriver implements Driver {
  readonly #db: BetterSqlite3.Database;
  readonly #connection: GroupCommitConnection;
  readonly #mutex = new Mutex();
  /** The open batch, if any: the one the connection's holder belongs to. */
  #batch: Batch | undefined;
  #destroyed = false;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
    this.#connection = new GroupCommitConnection(db);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    if (this.#destroyed) {
      this.#mutex.unlock();
      throw new StoreError('ERR_STORE_CLOSED', 'sqlite: the store is closed');
    }
    if (this.#batch === undefined) {
      try {
        this.#db.exec('BEGIN IMMEDIATE');
      } catch (error) {
        this.#mutex.unlock();
        throw error;
      }
      const batch = new Batch();
      this.#batch = batch;
      setImmediate(() => void this.#commitWhenFree(batch));
    }
    return this.#connection;
  }

  async beginTransaction(): Promise<void> {
    this.#db.exec(`SAVEPOINT ${TRANSACTION}`);
  }

  async commitTransaction(): Promise<void> {
    this.#db.exec(`RELEASE ${TRANSACTION}`);
  }

  async rollbackTransaction(): Promise<void> {
    // After an error that already rolled the outer transaction back there is nothing to undo.
    if (this.#db.inTransaction) this.#db.exec(`ROLLBACK TO ${TRANSACTION}; RELEASE ${TRANSACTION}`);
  }

  /** Lets the next operation in, then waits until this one's batch is committed. */
  async releaseConnection(): Promise<void> {
    const batch = this.#batch;
    if (batch !== undefined && !this.#db.inTransaction) this.#end(batch);
    this.#mutex.unlock();
    await batch?.committed;
  }

  /** Commits the open batch, then closes the database; later operations fail. */
  async destroy(): Promise<void> {
    await this.#mutex.lock();
    if (this.#destroyed) return this.#mutex.unlock();
    this.#destroyed = true;
    try {
      if (this.#batch !== undefined) this.#end(this.#batch);
    } finally {
      this.#db.close();
      this.#mutex.unlock();
    }
  }

  // Queued behind the operations already waiting, which therefore join this batch.
  async #commitWhenFree(batch: Batch): Promise<void> {
    await this.#mutex.lock();
    try {
      if (this.#batch === batch) this.#end(batch);
    } finally {
      this.#mutex.unlock();
    }
  }

  #end(batch: Batch): void {
    this.#batch = undefined;
    if (!this.#db.inTransaction) {
      batch.settle(new StoreError('ERR_STORE_ROLLED_BACK', 'sqlite: the batch transaction was rolled back'));
      return;
    }
    try {
      this.#db.exec('COMMIT');
      batch.settle();
    } catch (error) {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      batch.settle(error);
    }
  }
}
