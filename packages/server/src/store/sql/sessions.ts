import type { Selectable } from 'kysely';
import type { RotateRefreshTokenInput, RotateResult } from '../contract/rotation.js';
import type {
  AccessNotBeforeTarget,
  ListSessionsOptions,
  NewRefreshToken,
  NewSession,
  RefreshTokenRecord,
  Session,
  SessionPurgeResult,
  SessionStore,
} from '../contract/sessions.js';
import { PreparedQuery } from './prepared.js';
import { SqlRefreshRotation } from './rotate-refresh-token.js';
import { affectedRows, type SqlContext, toRefreshToken, toSession } from './rows.js';
import type { SessionsTable } from './schema.js';

/**
 * The SQL {@link SessionStore}. Every revocation is one conditional UPDATE on `sessions`: the
 * token checks all join the session, so no refresh-token row needs touching.
 *
 * @example
 * const sessions = new SqlSessionStore({ db, dialect: 'postgres' });
 * await sessions.revoke(sid, 'logout', now);
 */
export class SqlSessionStore implements SessionStore {
  readonly #ctx: SqlContext;
  readonly #rotation: SqlRefreshRotation;
  /** Compiled once: every Bearer request to the server reads its session. */
  readonly #byId: PreparedQuery<'id', Selectable<SessionsTable>>;

  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
    this.#rotation = new SqlRefreshRotation(ctx.db);
    this.#byId = new PreparedQuery(['id'], (p) =>
      ctx.db.selectFrom('sessions').selectAll().where('id', '=', p.id),
    );
  }

  create(session: NewSession, firstRefreshToken: NewRefreshToken): Promise<Session> {
    return this.#ctx.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('sessions')
        .values({
          id: session.id,
          user_id: session.userId,
          created_at: session.createdAt,
          absolute_expires_at: session.absoluteExpiresAt,
          last_used_at: session.createdAt,
          user_agent: session.userAgent ?? null,
          ip: session.ip ?? null,
          access_not_before: session.accessNotBefore ?? 0,
          dpop_jkt: session.dpopJkt ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('refresh_tokens')
        .values({
          hash: firstRefreshToken.hash,
          session_id: session.id,
          created_at: session.createdAt,
          expires_at: firstRefreshToken.expiresAt,
        })
        .execute();
      return toSession(row);
    });
  }

  async find(id: string): Promise<Session | null> {
    const [row] = (await this.#ctx.db.executeQuery(this.#byId.bind({ id }))).rows;
    return row === undefined ? null : toSession(row);
  }

  async listForUser(userId: string, options: ListSessionsOptions): Promise<Session[]> {
    const { now } = options;
    let query = this.#ctx.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc');
    if (options.activeOnly === true) {
      query = query
        .where('revoked_at', 'is', null)
        .where('absolute_expires_at', '>', now)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('refresh_tokens')
              .select('hash')
              .whereRef('refresh_tokens.session_id', '=', 'sessions.id')
              .where('used_at', 'is', null)
              .where('expires_at', '>', now),
          ),
        );
    }
    return (await query.execute()).map(toSession);
  }

  async findRefreshToken(hash: string): Promise<RefreshTokenRecord | null> {
    const row = await this.#ctx.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('hash', '=', hash)
      .executeTakeFirst();
    return row === undefined ? null : toRefreshToken(row);
  }

  rotateRefreshToken(input: RotateRefreshTokenInput): Promise<RotateResult> {
    return this.#rotation.rotate(input);
  }

  async revoke(id: string, reason: string, now: number): Promise<Session | null> {
    const row = await this.#revokeLive(reason, now).where('id', '=', id).returningAll().executeTakeFirst();
    return row === undefined ? null : toSession(row);
  }

  async revokeAllForUser(
    userId: string,
    reason: string,
    now: number,
    options: { exceptSessionId?: string | undefined } = {},
  ): Promise<Session[]> {
    let query = this.#revokeLive(reason, now).where('user_id', '=', userId);
    if (options.exceptSessionId !== undefined) query = query.where('id', '!=', options.exceptSessionId);
    return (await query.returningAll().execute()).map(toSession);
  }

  async revokeByRefreshToken(hash: string, reason: string, now: number): Promise<Session | null> {
    const row = await this.#revokeLive(reason, now)
      .where('id', '=', (eb) =>
        eb
          .selectFrom('refresh_tokens')
          .select('session_id')
          .where('hash', '=', hash)
          .where('expires_at', '>', now),
      )
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? null : toSession(row);
  }

  async setAccessNotBefore(target: AccessNotBeforeTarget, value: number): Promise<number> {
    let query = this.#ctx.db
      .updateTable('sessions')
      .set({ access_not_before: value })
      .where('access_not_before', '<', value);
    if ('userId' in target) {
      query = query.where('user_id', '=', target.userId);
    } else {
      if (target.sessionIds.length === 0) return 0;
      query = query.where('id', 'in', target.sessionIds);
    }
    return affectedRows((await query.executeTakeFirst()).numUpdatedRows);
  }

  async deleteAllForUser(userId: string): Promise<number> {
    // Their refresh tokens go with them: refresh_tokens.session_id cascades on delete.
    const result = await this.#ctx.db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
    return affectedRows(result.numDeletedRows);
  }

  async purgeExpired(now: number): Promise<SessionPurgeResult> {
    // Separate autocommitted statements on purpose: no lock is held across them, so a purge can
    // never deadlock with a rotation in PostgreSQL.
    const tokens = await this.#ctx.db
      .deleteFrom('refresh_tokens')
      .where((eb) =>
        eb.or([
          eb('expires_at', '<=', now),
          eb.exists(
            eb
              .selectFrom('sessions')
              .select('id')
              .whereRef('sessions.id', '=', 'refresh_tokens.session_id')
              .where('revoked_at', 'is not', null),
          ),
        ]),
      )
      .executeTakeFirst();
    const sessions = await this.#ctx.db
      .deleteFrom('sessions')
      .where('absolute_expires_at', '<=', now)
      .executeTakeFirst();
    return {
      sessions: affectedRows(sessions.numDeletedRows),
      refreshTokens: affectedRows(tokens.numDeletedRows),
    };
  }

  /** The one revocation write: only live sessions, so a second revoke is a no-op that returns nothing. */
  #revokeLive(reason: string, now: number) {
    return this.#ctx.db
      .updateTable('sessions')
      .set({ revoked_at: now, revoked_reason: reason })
      .where('revoked_at', 'is', null)
      .where('absolute_expires_at', '>', now);
  }
}
