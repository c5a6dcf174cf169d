import type {
  RevocationEntry,
  RevocationInput,
  RevocationPage,
  RevocationSignal,
  RevocationStore,
  Session,
  SessionStore,
} from '../store/index.js';
import { warn } from '../warnings.js';
import type { Actor, AuditLog } from './audit.js';
import { toEpochSeconds } from './clock.js';
import type { ServiceEvents } from './events.js';
import { RevocationCutoffs } from './revocation-cutoffs.js';
import {
  type RevocationStreamHandle,
  type RevocationStreamSink,
  RevocationStreams,
} from './revocation-streams.js';

/** How revocations reach the other instances and the stream clients. */
export interface RevocationPush {
  /** The store's signal between instances. */
  signal: RevocationSignal;
  /** Open `/auth/revocations/stream` connections at most. */
  maxStreams: number;
}

/**
 * Revokes access tokens by writing feed entries: per session ("tokens of `sid` issued before
 * `before`", with the same cutoff on the session so that tokens issued afterwards carry
 * `iat >= before`), per user, for everything, or per signing key.
 *
 * `before` is the next whole second: a token issued earlier in this very second has `iat` equal
 * to this second and must be caught; a token issued after the revocation gets `iat = before` (at
 * most a second ahead) and must not be. When an earlier revocation already set a cutoff at or
 * past that second, tokens may have been issued with `iat` equal to it, so the new cutoff goes
 * one past it. Every cutoff that can raise the `iat` of a token counts: the session's, the
 * user's and the global one (see {@link RevocationCutoffs.notBefore}).
 */
export class Revocations {
  /** The user, global and key cutoffs, for the server's own checks and for token issuance. */
  readonly cutoffs: RevocationCutoffs;
  /** The open revocation streams of this instance. */
  readonly streams: RevocationStreams;
  readonly #signal: RevocationSignal;
  #streamedCursor = 0;
  #unsubscribe: (() => void) | undefined;
  #afterCatchUp: (() => Promise<unknown>) | undefined;

  constructor(
    private readonly revocations: RevocationStore,
    private readonly sessions: SessionStore,
    private readonly events: ServiceEvents,
    /** Entries live this long past `before`: the longest access-token lifetime plus clock skew. */
    private readonly lifetimeSeconds: number,
    now: () => number,
    private readonly audit: AuditLog,
    push: RevocationPush,
  ) {
    this.cutoffs = new RevocationCutoffs(revocations, now);
    this.streams = new RevocationStreams(revocations, now, push.maxStreams);
    this.#signal = push.signal;
  }

  /**
   * Follows the other instances: on every announcement of the store's signal, catches up (see
   * {@link catchUp}), then runs `then` (the service reloads its keys when one was revoked).
   * Called by the service's `start` (and, without `then`, by the first stream opened);
   * {@link stopListening} undoes it.
   *
   * @example
   * revocations.listen(() => keys.reloadIfRevoked());
   */
  listen(then?: () => Promise<unknown>): void {
    if (then !== undefined) this.#afterCatchUp = then;
    this.#unsubscribe ??= this.#signal.subscribe(() => {
      this.catchUp()
        .then(() => this.#afterCatchUp?.())
        .catch((err: Error) =>
          warn('TESSERA_MAINTENANCE_FAILED', `revocation catch-up failed: ${err.message}`),
        );
    });
  }

  /** Stops following the signal and ends every open stream. */
  stopListening(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.streams.closeAll();
  }

  /**
   * Reads the entries written since the last read (by any instance) into the in-memory cutoffs,
   * then, if there were some, has every open stream read them too. Runs on every announcement
   * and on the service's one-second timer (announcements are best effort).
   *
   * @example
   * await revocations.catchUp();
   */
  async catchUp(): Promise<void> {
    await this.cutoffs.sync();
    if (this.cutoffs.cursor !== this.#streamedCursor) {
      this.#streamedCursor = this.cutoffs.cursor;
      this.streams.notify();
    }
  }

  /**
   * Opens a revocation stream after `after` (see {@link RevocationStreams.open}); null when
   * too many are open.
   *
   * @example
   * const handle = revocations.openStream(0, { entries: send, end: () => res.end() });
   */
  openStream(after: number, sink: RevocationStreamSink): RevocationStreamHandle | null {
    // A stream pushes what the signal announces: follow it even if start() was not called.
    this.listen();
    return this.streams.open(after, sink);
  }

  /**
   * Revokes the current access tokens of these sessions (one entry each): logout, a session
   * ended from the session list, refresh-token reuse.
   *
   * @example
   * await revocations.revokeAccess([await store.sessions.revoke(sid, 'logout', now)], now);
   */
  async revokeAccess(sessions: readonly Session[], nowMs: number): Promise<void> {
    if (sessions.length === 0) return;
    await this.cutoffs.sync();
    const nowSeconds = toEpochSeconds(nowMs);
    let latest = nowSeconds;
    for (const session of sessions) {
      latest = Math.max(latest, session.accessNotBefore, this.cutoffs.notBefore(session.userId, nowSeconds));
    }
    const before = latest + 1;
    const expires = before + this.lifetimeSeconds;
    await this.#add(sessions.map((s) => ({ kind: 'session', sid: s.id, before, expires })));
    await this.sessions.setAccessNotBefore({ sessionIds: sessions.map((s) => s.id) }, before);
  }

  /**
   * Revokes every access token of the user issued until now, in ONE feed entry whatever the
   * number of sessions: logout-all, block, password change, a role change. The same cutoff is
   * raised on the user's sessions (one store write, no entry each): the server reads the session
   * on every Bearer request, so every instance refuses the old tokens at once, and tokens of the
   * sessions that stay alive are issued with `iat >= before`.
   *
   * @example
   * await revocations.revokeUser(userId, clock.now());
   */
  async revokeUser(userId: string, nowMs: number): Promise<RevocationEntry> {
    await this.cutoffs.sync();
    const nowSeconds = toEpochSeconds(nowMs);
    const before = Math.max(nowSeconds, this.cutoffs.notBefore(userId, nowSeconds)) + 1;
    const [entry] = await this.#add([
      { kind: 'user', sub: userId, before, expires: before + this.lifetimeSeconds },
    ]);
    await this.sessions.setAccessNotBefore({ userId }, before);
    return entry!;
  }

  /**
   * Revokes every access token issued until now, of every user and client, in ONE entry (a
   * breach), and writes the `revoked-all` audit row (with the actor, when one is known): what
   * `tessera revoke --all` and `POST /admin/revoke-all` call. Sessions and refresh tokens stay:
   * clients refresh and get tokens issued after the cutoff (`iat >= before`).
   *
   * @example
   * const entry = await revocations.revokeAll(clock.now(), { userId: admin.id });
   * console.log(`tokens issued before ${new Date(entry.before * 1000).toISOString()} are refused`);
   */
  async revokeAll(nowMs: number, actor?: Actor): Promise<Extract<RevocationEntry, { kind: 'all' }>> {
    await this.cutoffs.sync();
    const nowSeconds = toEpochSeconds(nowMs);
    const before = Math.max(nowSeconds, this.cutoffs.highestCutoff(nowSeconds)) + 1;
    const [entry] = await this.#add([{ kind: 'all', before, expires: before + this.lifetimeSeconds }]);
    const by = actor?.userId ?? null;
    await this.audit.record('revoked-all', {
      userId: by,
      meta: actor?.meta,
      details: { before, expires: before + this.lifetimeSeconds, by },
    });
    return entry as Extract<RevocationEntry, { kind: 'all' }>;
  }

  /**
   * Revokes every token signed by the key `kid`, whatever its `iat`. The entry lives one token
   * lifetime from now, which covers every token of the key only if it no longer signs: the caller
   * retires it (or rotates away from it) before or with this call. Operators revoke a key with
   * `SigningKeys.revoke`, which does all of that and writes the audit row.
   *
   * @example
   * await revocations.revokeKey('2026-01-a1b2', clock.now());
   */
  async revokeKey(kid: string, nowMs: number): Promise<RevocationEntry> {
    const expires = toEpochSeconds(nowMs) + 1 + this.lifetimeSeconds;
    const [entry] = await this.#add([{ kind: 'key', kid, expires }]);
    return entry!;
  }

  /**
   * One page of the feed that guards follow.
   *
   * @example
   * const page = await revocations.feed(0, Date.now());
   */
  feed(after: number, nowMs: number, limit = 1000): Promise<RevocationPage> {
    return this.revocations.list({ after, limit, now: nowMs });
  }

  async #add(inputs: RevocationInput[]): Promise<RevocationEntry[]> {
    const entries = await this.revocations.add(inputs);
    this.cutoffs.apply(entries);
    this.events.revoked(entries.length);
    const last = entries.at(-1);
    if (last !== undefined) {
      // Best effort: the entries are committed; other instances' timers catch up within a second.
      this.#signal
        .publish(last.cursor)
        .catch((err: Error) =>
          warn(
            'TESSERA_REVOCATION_SIGNAL_FAILED',
            `announcing a revocation to the other instances failed (${err.message}); they catch up within a second`,
          ),
        );
    }
    return entries;
  }
}

/** One entry of `GET /auth/revocations` as guards read it: the wire format is a public contract. */
export type FeedEntry =
  | { sid: string; before: number; expires: number }
  | { sub: string; before: number; expires: number }
  | { all: true; before: number; expires: number }
  | { kid: string; expires: number };

/**
 * The wire form of a stored entry. Session entries keep their first shape exactly
 * (`{ sid, before, expires }`); the other kinds are told apart by their target field.
 *
 * @example
 * reply.send({ cursor: page.cursor, revoked: page.revoked.map(toFeedEntry) });
 */
export function toFeedEntry(entry: RevocationEntry): FeedEntry {
  switch (entry.kind) {
    case 'session':
      return { sid: entry.sid, before: entry.before, expires: entry.expires };
    case 'user':
      return { sub: entry.sub, before: entry.before, expires: entry.expires };
    case 'all':
      return { all: true, before: entry.before, expires: entry.expires };
    case 'key':
      return { kid: entry.kid, expires: entry.expires };
  }
}
