/** One session as a {@link SessionIndex} knows it: whose it is, and when purge must look at it. */
export interface SessionIndexEntry {
  sessionId: string;
  userId: string;
  /** Orders a user's sessions, newest first. Epoch ms. */
  createdAt: number;
  /** When `purgeExpired` must look at the session next (epoch ms). */
  lookAt: number;
}

/**
 * Ids only, no state: which sessions a user has, and which are due for purge, for a session store
 * that keeps the sessions themselves where a per-user list would cost too much (the Redis store:
 * one hash per session and nothing else). The SQL stores provide it; the session store that uses
 * it writes an entry BEFORE the session, so a user's list never misses a live session (an entry
 * whose session is gone is dropped when found).
 *
 * @example
 * await index.add({ sessionId, userId, createdAt: now, lookAt: firstTokenExpiresAt });
 * for (const id of await index.sessionsOf(userId)) await revoke(id);
 */
export interface SessionIndex {
  /** Adds an entry; false when the session id is already listed (nothing changes then). */
  add(entry: SessionIndexEntry): Promise<boolean>;
  /** The user's session ids, newest first. */
  sessionsOf(userId: string): Promise<string[]>;
  /** Sets when purge looks at these sessions next. */
  lookAt(sessionIds: readonly string[], at: number): Promise<void>;
  /** Up to `limit` session ids due for a look at `now`, the longest due first. */
  due(now: number, limit: number): Promise<string[]>;
  /** Drops these entries. */
  remove(sessionIds: readonly string[]): Promise<void>;
}
