import type { RevocationEntry, RevocationStore } from '../store/index.js';
import { coalesce } from './coalesce.js';

interface Cutoff {
  before: number;
  expires: number;
}

/** Entries read per store call while catching up. */
const PAGE = 1000;

/**
 * The server's in-memory copy of the revocation entries that are not per session: per-user
 * cutoffs, the global cutoff and revoked signing keys. Session entries are left out: the server
 * reads the session itself on every Bearer request, and the session row carries its own cutoff
 * (raised by session AND user revocations, so those apply on every instance at once; the copy
 * is what carries the global and key entries, and the user cutoffs for sessions created later).
 *
 * The copy follows the store's cursor, as a guard follows the feed, so entries written by another
 * instance arrive too: {@link sync} reads only the entries after the last cursor (usually none:
 * one indexed read). Callers sync on every write path and before issuing tokens; read paths use
 * the copy as it is (the service also syncs it on a short timer). Memory is bounded by the live
 * entries: each user's or key's latest cutoff only, dropped once expired.
 *
 * @example
 * const cutoffs = new RevocationCutoffs(store.revocations, clock);
 * await cutoffs.sync();
 * if (cutoffs.revokes(claims.sub, claims.iat, header.kid, nowSeconds)) refuse();
 */
export class RevocationCutoffs {
  readonly #users = new Map<string, Cutoff>();
  readonly #keys = new Map<string, number>();
  #all: Cutoff | undefined;
  #cursor = 0;
  #synced = false;
  /** The sync under way, and whether another must follow it (a caller arrived after it started). */
  readonly #coalesced = coalesce(() => this.#catchUp());

  constructor(
    private readonly store: RevocationStore,
    private readonly now: () => number,
  ) {}

  /** The store cursor this copy has read up to. */
  get cursor(): number {
    return this.#cursor;
  }

  /** Whether at least one sync completed. */
  get synced(): boolean {
    return this.#synced;
  }

  /**
   * Reads the entries added since the last sync. Every entry committed before this call is
   * applied when it resolves; concurrent callers share at most two store reads.
   */
  sync(): Promise<void> {
    return this.#coalesced();
  }

  /** Syncs once if it never has (a service that was not started, or was just restarted). */
  ready(): Promise<void> {
    return this.#synced ? Promise.resolve() : this.sync();
  }

  /** Applies entries this instance just wrote, so its next check sees them without a read. */
  apply(entries: readonly RevocationEntry[]): void {
    const nowSeconds = this.now() / 1000;
    for (const entry of entries) this.#add(entry, nowSeconds);
  }

  /**
   * Whether an access token of user `sub`, issued at `iat`, signed by key `kid`, is revoked by a
   * user, global or key entry (not by a session entry: see the class comment).
   */
  revokes(sub: string, iat: number, kid: string | undefined, nowSeconds: number): boolean {
    if (kid !== undefined && this.revokesKey(kid, nowSeconds)) return true;
    return iat < this.notBefore(sub, nowSeconds);
  }

  /**
   * Whether a live key entry revokes every token signed by `kid`.
   *
   * @example
   * if (cutoffs.revokesKey(header.kid, Date.now() / 1000)) refuse();
   */
  revokesKey(kid: string, nowSeconds: number): boolean {
    const until = this.#keys.get(kid);
    return until !== undefined && until > nowSeconds;
  }

  /**
   * The least `iat` a token of `sub` may carry to pass the user and global cutoffs (0: no
   * cutoff). Tokens are issued with at least this `iat`, so one issued right after a revocation
   * in the same second is not caught by it.
   */
  notBefore(sub: string, nowSeconds: number): number {
    const user = this.#users.get(sub);
    const all = this.#all;
    return Math.max(
      user !== undefined && user.expires > nowSeconds ? user.before : 0,
      all !== undefined && all.expires > nowSeconds ? all.before : 0,
    );
  }

  /** The greatest live user or global cutoff: a new global cutoff must be above every one. */
  highestCutoff(nowSeconds: number): number {
    let highest = this.#all !== undefined && this.#all.expires > nowSeconds ? this.#all.before : 0;
    for (const cutoff of this.#users.values()) {
      if (cutoff.expires > nowSeconds && cutoff.before > highest) highest = cutoff.before;
    }
    return highest;
  }

  /** How many cutoffs are held (users, keys and the global one), for tests and metrics. */
  get size(): number {
    return this.#users.size + this.#keys.size + (this.#all === undefined ? 0 : 1);
  }

  async #catchUp(): Promise<void> {
    for (;;) {
      const now = this.now();
      const page = await this.store.list({ after: this.#cursor, limit: PAGE, now });
      for (const entry of page.revoked) this.#add(entry, now / 1000);
      this.#cursor = page.cursor;
      if (page.revoked.length < PAGE) break;
    }
    this.#sweep(this.now() / 1000);
    this.#synced = true;
  }

  #add(entry: RevocationEntry, nowSeconds: number): void {
    if (entry.expires <= nowSeconds) return;
    switch (entry.kind) {
      case 'session':
        return;
      case 'user': {
        const known = this.#users.get(entry.sub);
        if (known === undefined) this.#users.set(entry.sub, { before: entry.before, expires: entry.expires });
        else raise(known, entry);
        return;
      }
      case 'all':
        if (this.#all === undefined) this.#all = { before: entry.before, expires: entry.expires };
        else raise(this.#all, entry);
        return;
      case 'key':
        this.#keys.set(entry.kid, Math.max(entry.expires, this.#keys.get(entry.kid) ?? 0));
        return;
    }
  }

  #sweep(nowSeconds: number): void {
    for (const [sub, cutoff] of this.#users) if (cutoff.expires <= nowSeconds) this.#users.delete(sub);
    for (const [kid, expires] of this.#keys) if (expires <= nowSeconds) this.#keys.delete(kid);
    if (this.#all !== undefined && this.#all.expires <= nowSeconds) this.#all = undefined;
  }
}

/** Keeping the larger of both is safe whatever order entries arrive in (as the guard does). */
function raise(known: Cutoff, entry: Cutoff): void {
  if (entry.before > known.before) known.before = entry.before;
  if (entry.expires > known.expires) known.expires = entry.expires;
}
