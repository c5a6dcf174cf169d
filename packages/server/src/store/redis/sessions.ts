import type { RotateRefreshTokenInput, RotateResult } from '../contract/rotation.js';
import type { SessionIndex } from '../contract/session-index.js';
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
import { refreshHashParts } from '../contract/sessions.js';
import type { UserStore } from '../contract/users.js';
import { StoreError } from '../errors.js';
import type { RedisScripts } from './client.js';
import {
  digestIn,
  isActive,
  LIVE_EXPIRY,
  SESSION_FIELDS,
  sessionFields,
  sessionValues,
  toRefreshToken,
  toSession,
} from './codec.js';
import { type RedisKeys, ttlMs } from './keys.js';
import { purgeSessions } from './purge-sessions.js';
import { rotateInRedis } from './rotation.js';

/** A "now" far enough ahead that every session is past its end: purging with it deletes all. */
const END_OF_TIME = 8_000_000_000_000_000;

/**
 * The Redis {@link SessionStore}. A session and its refresh tokens are ONE hash (one key) and
 * nothing else in Redis: which sessions a user has (listing, logout-all) and when purge looks at
 * each are in the SQL store's {@link SessionIndex}. The index entry is written before the
 * session's hash, so a failure in between leaves an entry with no session (purge drops it), never
 * a session that logout-all can't see. Token hashes are `<sessionId>.<digest>`
 * ({@link refreshHashParts}).
 *
 * @example
 * const sessions = new RedisSessionStore(scripts, new RedisKeys('tessera:'), sqlStore.users, sqlStore.sessionIndex);
 * await sessions.revoke(sid, 'logout', now);
 */
export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly scripts: RedisScripts,
    private readonly keys: RedisKeys,
    private readonly users: UserStore,
    private readonly index: SessionIndex,
  ) {}

  async create(session: NewSession, first: NewRefreshToken): Promise<Session> {
    const digest = digestIn(first.hash, session.id);
    const now = session.createdAt;
    const listed = await this.index.add({
      sessionId: session.id,
      userId: session.userId,
      createdAt: now,
      lookAt: Math.min(first.expiresAt, session.absoluteExpiresAt),
    });
    if (!listed) throw new StoreError('ERR_STORE_CONFLICT', 'the session already exists');
    const fields = sessionFields(session, digest, first.expiresAt);
    const created = await this.scripts.run(
      'tesseraCreateSession',
      [this.keys.session(session.id)],
      [ttlMs(session.absoluteExpiresAt, now), ...fields],
    );
    if (created !== 1) {
      await this.index.remove([session.id]);
      throw new StoreError('ERR_STORE_CONFLICT', 'the session already exists');
    }
    return toSession(session.id, sessionValues(fields)) as Session;
  }

  async find(id: string): Promise<Session | null> {
    return toSession(id, await this.#read(id));
  }

  async listForUser(userId: string, options: ListSessionsOptions): Promise<Session[]> {
    const ids = await this.index.sessionsOf(userId);
    const rows = await Promise.all(ids.map((id) => this.#read(id)));
    const sessions: Session[] = [];
    rows.forEach((row, i) => {
      // An entry with no session is skipped, not dropped: its session may be being created (the
      // entry comes first). Purge drops it when it comes due.
      const session = toSession(ids[i] as string, row);
      if (session === null || session.userId !== userId) return;
      if (options.activeOnly !== true || isActive(session, Number(row[LIVE_EXPIRY]), options.now))
        sessions.push(session);
    });
    return sessions;
  }

  async findRefreshToken(hash: string): Promise<RefreshTokenRecord | null> {
    const parts = refreshHashParts(hash);
    if (parts === null) return null;
    const { sessionId, digest } = parts;
    const { client } = this.scripts;
    const fields = await client.hmget(this.keys.session(sessionId), 't', 'le', 'l', 'p', `.${digest}`);
    const sealed = fields[3] === digest ? await client.get(this.keys.grace(sessionId)) : null;
    return toRefreshToken(hash, sessionId, digest, fields, sealed);
  }

  rotateRefreshToken(input: RotateRefreshTokenInput): Promise<RotateResult> {
    return rotateInRedis(
      {
        scripts: this.scripts,
        keys: this.keys,
        users: this.users,
        scheduleGc: (id, at) => this.index.lookAt([id], at),
      },
      input,
    );
  }

  async revoke(id: string, reason: string, now: number): Promise<Session | null> {
    return this.#scheduled(await this.#revoke(id, reason, now), now);
  }

  async revokeAllForUser(
    userId: string,
    reason: string,
    now: number,
    options: { exceptSessionId?: string | undefined } = {},
  ): Promise<Session[]> {
    const ids = await this.index.sessionsOf(userId);
    const revoked = (
      await Promise.all(
        ids.filter((id) => id !== options.exceptSessionId).map((id) => this.#revoke(id, reason, now)),
      )
    ).filter((s): s is Session => s !== null && s.userId === userId);
    await this.index.lookAt(
      revoked.map((s) => s.id),
      now,
    );
    return revoked;
  }

  async revokeByRefreshToken(hash: string, reason: string, now: number): Promise<Session | null> {
    const parts = refreshHashParts(hash);
    if (parts === null) return null;
    const reply = await this.scripts.run(
      'tesseraRevokeByToken',
      [this.keys.session(parts.sessionId)],
      [now, reason, parts.digest],
    );
    return this.#scheduled(Array.isArray(reply) ? toSession(parts.sessionId, reply) : null, now);
  }

  async setAccessNotBefore(target: AccessNotBeforeTarget, value: number): Promise<number> {
    const ids = 'userId' in target ? await this.index.sessionsOf(target.userId) : target.sessionIds;
    const changed = await Promise.all(
      ids.map((id) => this.scripts.run('tesseraRaiseAccessNotBefore', [this.keys.session(id)], [value])),
    );
    return changed.filter((n) => n === 1).length;
  }

  purgeExpired(now: number): Promise<SessionPurgeResult> {
    return purgeSessions(this.scripts, this.keys, this.index, now);
  }

  /** Deletes every session of a user, revoked or not, with its refresh tokens; returns how many. */
  async deleteAllForUser(userId: string): Promise<number> {
    const ids = await this.index.sessionsOf(userId);
    const purged = await purgeSessions(this.scripts, this.keys, this.index, END_OF_TIME, ids);
    await this.index.remove(ids);
    return purged.sessions;
  }

  /** The values of {@link SESSION_FIELDS} of one session's hash (all null when it is gone). */
  #read(id: string): Promise<(string | null)[]> {
    return this.scripts.client.hmget(this.keys.session(id), ...SESSION_FIELDS);
  }

  /** Revokes a live session in Redis alone; the session, or null when there was none to revoke. */
  async #revoke(id: string, reason: string, now: number): Promise<Session | null> {
    const reply = await this.scripts.run('tesseraRevoke', [this.keys.session(id)], [now, reason]);
    return Array.isArray(reply) ? toSession(id, reply) : null;
  }

  /** Purge drops a revoked session's tokens at its next look: now. */
  async #scheduled(revoked: Session | null, now: number): Promise<Session | null> {
    if (revoked !== null) await this.index.lookAt([revoked.id], now);
    return revoked;
  }
}
