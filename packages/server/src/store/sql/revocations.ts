import type { Selectable } from 'kysely';
import type {
  ListRevocationsOptions,
  RevocationEntry,
  RevocationInput,
  RevocationPage,
  RevocationStore,
} from '../contract/revocations.js';
import { ADVISORY_LOCKS, lockTransaction } from './advisory-lock.js';
import { PreparedQuery } from './prepared.js';
import { affectedRows, type SqlContext } from './rows.js';
import type { RevocationsTable } from './schema.js';

type Row = Omit<Selectable<RevocationsTable>, 'cursor' | 'kind'>;

function toRow(e: RevocationInput): Row & { kind: string } {
  switch (e.kind) {
    case 'session':
      return { kind: e.kind, target: e.sid, issued_before: e.before, expires_at: e.expires };
    case 'user':
      return { kind: e.kind, target: e.sub, issued_before: e.before, expires_at: e.expires };
    case 'all':
      return { kind: e.kind, target: '', issued_before: e.before, expires_at: e.expires };
    case 'key':
      return { kind: e.kind, target: e.kid, issued_before: 0, expires_at: e.expires };
  }
}

function toEntry(row: Selectable<RevocationsTable>): RevocationEntry {
  const { cursor, target, issued_before: before, expires_at: expires } = row;
  switch (row.kind) {
    case 'session':
      return { cursor, kind: 'session', sid: target, before, expires };
    case 'user':
      return { cursor, kind: 'user', sub: target, before, expires };
    case 'all':
      return { cursor, kind: 'all', before, expires };
    case 'key':
      return { cursor, kind: 'key', kid: target, expires };
    default:
      // Rows are only written by toRow: anything else is a corruption, and skipping it would
      // silently un-revoke tokens.
      throw new TypeError('stored revocation entry has an unknown kind');
  }
}

/**
 * The SQL {@link RevocationStore}.
 *
 * @example
 * const revocations = new SqlRevocationStore({ db, dialect: 'postgres' });
 * const { cursor, revoked } = await revocations.list({ after: 0, limit: 1000, now });
 */
export class SqlRevocationStore implements RevocationStore {
  readonly #ctx: SqlContext;
  /**
   * Compiled once: every refresh catches the server's cutoffs up with this read (usually of no
   * rows), and building the query each time cost more than running it.
   */
  readonly #list: PreparedQuery<'after' | 'nowSeconds' | 'limit', Selectable<RevocationsTable>>;
  /**
   * SQLite: the last `list` that found nothing, with the file's data version read before it.
   * While no other connection has committed and this store has added nothing, the same call
   * would find nothing again: it is answered without a read (one process on its file, the
   * default, then never reads on refresh).
   */
  #nothingAfter: { after: number; version: number; writes: number } | undefined;
  /** Counts the starts and ends of this store's adds: a list that overlapped one is not kept. */
  #writes = 0;

  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
    this.#list = new PreparedQuery(['after', 'nowSeconds', 'limit'], (p) =>
      ctx.db
        .selectFrom('revocations')
        .selectAll()
        .where('cursor', '>', p.after)
        .where('expires_at', '>', p.nowSeconds)
        .orderBy('cursor')
        .limit(p.limit),
    );
  }

  async add(entries: readonly RevocationInput[]): Promise<RevocationEntry[]> {
    if (entries.length === 0) return [];
    const { db, dialect } = this.#ctx;
    this.#writes++;
    try {
      const rows = await db.transaction().execute(async (trx) => {
        // A PostgreSQL identity value is taken at INSERT but becomes visible at COMMIT, so without
        // this lock cursor 8 could commit before cursor 7: a guard polling `after: 6` in between
        // would get 8, move its cursor past 7 and never see 7. Holding one lock from before the
        // INSERT until COMMIT makes cursor order and commit order the same.
        await lockTransaction(trx, dialect, ADVISORY_LOCKS.revocations);
        return trx.insertInto('revocations').values(entries.map(toRow)).returningAll().execute();
      });
      return rows.map(toEntry).sort((a, b) => a.cursor - b.cursor);
    } finally {
      this.#writes++;
    }
  }

  async list(options: ListRevocationsOptions): Promise<RevocationPage> {
    const after = options.after ?? 0;
    const version = this.#ctx.dataVersion?.();
    const writes = this.#writes;
    const quiet = this.#nothingAfter;
    if (quiet?.after === after && quiet.version === version && quiet.writes === writes) {
      return { cursor: after, revoked: [] };
    }
    const { rows } = await this.#ctx.db.executeQuery(
      this.#list.bind({ after, nowSeconds: Math.floor(options.now / 1000), limit: options.limit }),
    );
    if (version !== undefined && rows.length === 0 && this.#writes === writes) {
      this.#nothingAfter = { after, version, writes };
    }
    const revoked = rows.map(toEntry);
    return { cursor: revoked.at(-1)?.cursor ?? after, revoked };
  }

  async purge(now: number): Promise<number> {
    const result = await this.#ctx.db
      .deleteFrom('revocations')
      .where('expires_at', '<=', Math.floor(now / 1000))
      .executeTakeFirst();
    return affectedRows(result.numDeletedRows);
  }
}
