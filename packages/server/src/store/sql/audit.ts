import type { Selectable } from 'kysely';
import type { AuditEvent, AuditInput, AuditStore, ListAuditOptions } from '../contract/audit.js';
import { affectedRows, parseObject, type SqlContext } from './rows.js';
import type { AuditEventsTable } from './schema.js';

function toEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: row.id,
    at: row.at,
    type: row.type,
    userId: row.user_id,
    sessionId: row.session_id,
    ip: row.ip,
    details: parseObject(row.details),
  };
}

/**
 * The SQL {@link AuditStore}. It stores what it is given: keeping tokens and passwords out of
 * events is the callers' duty.
 *
 * @example
 * const audit = new SqlAuditStore({ db, dialect: 'sqlite' });
 * await audit.append({ at: now, type: 'login', userId });
 */
export class SqlAuditStore implements AuditStore {
  readonly #ctx: SqlContext;

  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  async append(event: AuditInput): Promise<number> {
    const row = await this.#ctx.db
      .insertInto('audit_events')
      .values({
        at: event.at,
        type: event.type,
        user_id: event.userId ?? null,
        session_id: event.sessionId ?? null,
        ip: event.ip ?? null,
        details: JSON.stringify(event.details ?? {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async list(options: ListAuditOptions): Promise<AuditEvent[]> {
    let query = this.#ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(options.limit);
    if (options.before !== undefined) query = query.where('id', '<', options.before);
    if (options.userId !== undefined) query = query.where('user_id', '=', options.userId);
    if (options.type !== undefined) query = query.where('type', '=', options.type);
    return (await query.execute()).map(toEvent);
  }

  async purge(olderThan: number): Promise<number> {
    const result = await this.#ctx.db
      .deleteFrom('audit_events')
      .where('at', '<', olderThan)
      .executeTakeFirst();
    return affectedRows(result.numDeletedRows);
  }
}
