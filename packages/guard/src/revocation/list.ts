/** One entry of the feed: access tokens of session `sid` with `iat < before` are revoked until `expires`. */
export interface RevocationEntry {
  sid: string;
  /** Epoch seconds: tokens of the session issued earlier are revoked. */
  before: number;
  /** Epoch seconds: after this, the entry can be dropped (every token it covers has expired). */
  expires: number;
}

interface Cutoff {
  before: number;
  expires: number;
}

/**
 * The revoked sessions a guard keeps in memory, by `sid`. Per session only the
 * latest cutoff matters (a later logout covers every earlier one), and an
 * entry is dropped once it expires, so the list stays as small as the set of
 * sessions revoked within one access-token lifetime.
 */
export class RevocationList {
  private readonly cutoffs = new Map<string, Cutoff>();

  /** Adds or raises a session's cutoff; an already expired entry is ignored. */
  add(entry: RevocationEntry, nowSeconds: number): void {
    if (entry.expires <= nowSeconds) return;
    const known = this.cutoffs.get(entry.sid);
    if (known === undefined) {
      this.cutoffs.set(entry.sid, { before: entry.before, expires: entry.expires });
      return;
    }
    // Keeping the larger of both is safe whatever order the feed delivers them in.
    if (entry.before > known.before) known.before = entry.before;
    if (entry.expires > known.expires) known.expires = entry.expires;
  }

  /**
   * Whether a token of session `sid` issued at `iat` is revoked. A token without
   * `iat` can't be placed before or after the cutoff, so it counts as revoked.
   */
  isRevoked(sid: string, iat: number | undefined): boolean {
    const cutoff = this.cutoffs.get(sid);
    return cutoff !== undefined && (iat === undefined || iat < cutoff.before);
  }

  /** Drops the entries that expired; returns how many. */
  sweep(nowSeconds: number): number {
    let dropped = 0;
    for (const [sid, cutoff] of this.cutoffs) {
      if (cutoff.expires <= nowSeconds) {
        this.cutoffs.delete(sid);
        dropped++;
      }
    }
    return dropped;
  }

  /** How many sessions are listed. */
  get size(): number {
    return this.cutoffs.size;
  }
}
