/**
 * An access-token denylist entry. It targets exactly one of:
 * - `session`: access tokens of session `sid` issued before `before`;
 * - `user`: every access token of user `sub` issued before `before` (logout-all, block, password change);
 * - `all`: every access token issued before `before` (a breach: one entry, not one per session);
 * - `key`: every token whose header `kid` is `kid`, whatever its `iat` (a compromised signing key).
 *
 * Times are epoch SECONDS. `expires` is when the entry may be forgotten: the latest `exp` any
 * token it covers can have.
 */
export type RevocationInput =
  | { kind: 'session'; sid: string; before: number; expires: number }
  | { kind: 'user'; sub: string; before: number; expires: number }
  | { kind: 'all'; before: number; expires: number }
  | { kind: 'key'; kid: string; expires: number };

/** Which tokens an entry targets: its `kind`. */
export type RevocationKind = RevocationInput['kind'];

/** A stored entry with the cursor the store assigned to it. */
export type RevocationEntry = RevocationInput & {
  /** Strictly increasing in commit order: a reader never sees a lower cursor appear later. */
  cursor: number;
};

/** `now` is epoch ms; entries with `expires * 1000 <= now` are not returned. */
export interface ListRevocationsOptions {
  /** Return entries with a cursor above this; 0 or absent returns every live entry. */
  after?: number | undefined;
  limit: number;
  now: number;
}

/** One page of entries ordered by cursor; `cursor` is the last one returned, or `after` if none. */
export interface RevocationPage {
  cursor: number;
  revoked: RevocationEntry[];
}

/**
 * The persisted access-token denylist that guards poll by cursor. Entries survive restarts.
 *
 * @example
 * await store.revocations.add([{ kind: 'session', sid, before: nowSeconds + 1, expires: nowSeconds + 600 }]);
 * await store.revocations.add([{ kind: 'user', sub: userId, before: nowSeconds + 1, expires: nowSeconds + 600 }]);
 * let page = await store.revocations.list({ after: 0, limit: 1000, now });
 * page = await store.revocations.list({ after: page.cursor, limit: 1000, now }); // only newer entries
 */
export interface RevocationStore {
  /**
   * Stores the entries atomically and returns them with their cursors (ascending). Cursors are
   * assigned so that a concurrent reader polling with `after` can never skip an entry.
   */
  add(entries: readonly RevocationInput[]): Promise<RevocationEntry[]>;
  list(options: ListRevocationsOptions): Promise<RevocationPage>;
  /** Deletes entries with `expires * 1000 <= now`; returns how many. */
  purge(now: number): Promise<number>;
}

/**
 * How the instances sharing a store tell each other that revocation entries were written, so
 * that each one catches up at once instead of at its next timer: Redis pub/sub on the Redis
 * store, PostgreSQL LISTEN/NOTIFY on PostgreSQL, in-process on SQLite (one instance). An
 * announcement carries only the cursor; readers take the entries from the store, by cursor, so
 * a lost or duplicated announcement never loses or repeats an entry.
 *
 * @example
 * const off = store.revocationSignal.subscribe(() => void cutoffs.sync());
 * await store.revocationSignal.publish(entries.at(-1).cursor);
 */
export interface RevocationSignal {
  /** Announces that entries up to `cursor` are committed, to every instance (this one at once). */
  publish(cursor: number): Promise<void>;
  /**
   * Calls `listener` on every announcement, from any instance. It is also called with 0 when
   * the signal's connection starts listening (at first and after a reconnection), since
   * announcements may have been missed before.
   */
  subscribe(listener: (cursor: number) => void): () => void;
  /** Stops listening; publishing afterwards only reaches this process. */
  close(): Promise<void>;
}
