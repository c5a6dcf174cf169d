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
import type { UserStore } from '../contract/users.js';
import { StoreError } from '../errors.js';
import type { RedisScripts } from './client.js';
import {
  decodeIndex,
  encodeIndex,
  fieldsOf,
  isActive,
  sessionFields,
  toRefreshToken,
  toSession,
} from './codec.js';
import { type RedisKeys, ttlMs } from './keys.js';
import { purgeSessions } from './purge-sessions.js';
import { rotateInRedis } from './rotation.js';

/** A "now" far enough ahead that every session is past its end: purging with it deletes all. */
const END_OF_TIME = 8_000_000_000_000_000;

/**
 * The Redis {@link SessionStore}. A session and its refresh tokens share one hash slot; each user
 * has a set of session ids (its own slot) for listing and logout-all. Writes that span two slots
 * (that set, a token's index) happen before the session's own script, so a failure in between
 * leaves an extra index entry (harmless, it expires), never a session that logout-all can't see.
 *
 * @example
 * const sessions = new RedisSessionStore(scripts, new RedisKeys('tessera:'), sqlStore.users);
 * await sessions.revoke(sid, 'logout', now);
 */
export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly scripts: RedisScripts,
    private readonly keys: RedisKeys,
    private readonly users: UserStore,
  ) {}

  async create(session: NewSession, first: NewRefreshToken): Promise<Session> {
    const { client } = this.scripts;
    const { keys } = this;
    const now = session.createdAt;
    const sessionTtl = ttlMs(session.absoluteExpiresAt, now);
    const tokenUntil = Math.min(first.expiresAt, session.absoluteExpiresAt);
    const index = keys.tokenIndex(first.hash);
    const indexed = await client.set(
      index,
      encodeIndex(session.id, session.userId),
      'PX',
      ttlMs(tokenUntil, now),
      'NX',
    );
    if (indexed !== 'OK') throw new StoreError('ERR_STORE_CONFLICT', 'the refresh token already exists');
    await this.scripts.run(
      'tesseraZaddKeep',
      [keys.userSessions(session.userId)],
      [session.id, now, sessionTtl],
    );
    await this.scheduleGc(session.id, tokenUntil, session.absoluteExpiresAt, now);
    const created = await this.scripts.run(
      'tesseraCreateSession',
      [keys.session(session.id), keys.sessionTokens(session.id), keys.token(session.id, first.hash)],
      [
        sessionTtl,
        ttlMs(tokenUntil, now),
        now,
        first.expiresAt,
        first.hash,
        ...sessionFields(session, first.expiresAt),
      ],
    );
    if (created !== 1) {
      await client.del(index);
      throw new StoreError('ERR_STORE_CONFLICT', 'the session already exists');
    }
    return toSession(session.id, new Map(pairs(sessionFields(session, first.expiresAt))));
  }

  async find(id: string): Promise<Session | null> {
    const fields = await this.scripts.client.hgetall(this.keys.session(id));
    return Object.keys(fields).length === 0 ? null : toSession(id, new Map(Object.entries(fields)));
  }

  async listForUser(userId: string, options: ListSessionsOptions): Promise<Session[]> {
    const { client } = this.scripts;
    const setKey = this.keys.userSessions(userId);
    const ids = await client.zrevrange(setKey, 0, -1);
    const rows = await Promise.all(ids.map((id) => client.hgetall(this.keys.session(id))));
    const sessions: Session[] = [];
    const gone: string[] = [];
    rows.forEach((row, i) => {
      const id = ids[i] as string;
      const fields = new Map(Object.entries(row));
      if (fields.size === 0) gone.push(id);
      else if (options.activeOnly !== true || isActive(fields, options.now))
        sessions.push(toSession(id, fields));
    });
    if (gone.length > 0) await client.zrem(setKey, ...gone);
    return sessions;
  }

  async findRefreshToken(hash: string): Promise<RefreshTokenRecord | null> {
    const { client } = this.scripts;
    const index = decodeIndex(await client.get(this.keys.tokenIndex(hash)));
    if (index === null) return null;
    const fields = await client.hgetall(this.keys.token(index.sessionId, hash));
    if (Object.keys(fields).length === 0) return null;
    return toRefreshToken(hash, index.sessionId, new Map(Object.entries(fields)));
  }

  rotateRefreshToken(input: RotateRefreshTokenInput): Promise<RotateResult> {
    return rotateInRedis(
      {
        scripts: this.scripts,
        keys: this.keys,
        users: this.users,
        scheduleGc: (id, at, until) => this.scheduleGc(id, at, until, at),
      },
      input,
    );
  }

  async revoke(id: string, reason: string, now: number): Promise<Session | null> {
    const reply = await this.scripts.run('tesseraRevoke', [this.keys.session(id)], [now, reason]);
    return this.#revoked(id, reply, now);
  }

  async revokeAllForUser(
    userId: string,
    reason: string,
    now: number,
    options: { exceptSessionId?: string | undefined } = {},
  ): Promise<Session[]> {
    const ids = await this.scripts.client.zrange(this.keys.userSessions(userId), 0, -1);
    const revoked = await Promise.all(
      ids.filter((id) => id !== options.exceptSessionId).map((id) => this.revoke(id, reason, now)),
    );
    return revoked.filter((s): s is Session => s !== null && s.userId === userId);
  }

  async revokeByRefreshToken(hash: string, reason: string, now: number): Promise<Session | null> {
    const index = decodeIndex(await this.scripts.client.get(this.keys.tokenIndex(hash)));
    if (index === null) return null;
    const { sessionId } = index;
    const reply = await this.scripts.run(
      'tesseraRevokeByToken',
      [this.keys.session(sessionId), this.keys.token(sessionId, hash)],
      [now, reason],
    );
    return this.#revoked(sessionId, reply, now);
  }

  async setAccessNotBefore(target: AccessNotBeforeTarget, value: number): Promise<number> {
    const ids =
      'userId' in target
        ? await this.scripts.client.zrange(this.keys.userSessions(target.userId), 0, -1)
        : target.sessionIds;
    const changed = await Promise.all(
      ids.map((id) => this.scripts.run('tesseraRaiseAccessNotBefore', [this.keys.session(id)], [value])),
    );
    return changed.filter((n) => n === 1).length;
  }

  purgeExpired(now: number): Promise<SessionPurgeResult> {
    return purgeSessions(this.scripts, this.keys, now);
  }

  /** Deletes every session of a user, revoked or not, with its refresh tokens; returns how many. */
  async deleteAllForUser(userId: string): Promise<number> {
    const setKey = this.keys.userSessions(userId);
    const ids = await this.scripts.client.zrange(setKey, 0, -1);
    const purged = await Promise.all(
      ids.map((id) => purgeSessions(this.scripts, this.keys, END_OF_TIME, [id])),
    );
    await this.scripts.client.del(setKey);
    return purged.reduce((sum, result) => sum + result.sessions, 0);
  }

  /** Purge looks at the session at `at` (its first token's expiry, or at once when revoked). */
  async scheduleGc(id: string, at: number, until: number, now: number): Promise<void> {
    await this.scripts.run('tesseraZaddKeep', [this.keys.sessionGc(id)], [id, at, ttlMs(until, now)]);
  }

  async #revoked(id: string, reply: unknown, now: number): Promise<Session | null> {
    if (!Array.isArray(reply)) return null;
    const session = toSession(id, fieldsOf(reply));
    await this.scheduleGc(id, now, session.absoluteExpiresAt, now);
    return session;
  }
}

function pairs(flat: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] as string, flat[i + 1] as string]);
  return out;
}
