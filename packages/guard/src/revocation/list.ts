/**
 * One entry of the feed. It targets exactly one of: a session (`sid`), a user (`sub`: every token
 * of that user), everything (`all`), each "issued before `before`" (epoch seconds, against the
 * token's `iat`); or a signing key (`kid`: every token whose header names it, whatever its
 * `iat`). `expires` (epoch seconds): after this the entry can be dropped, every token it covers
 * has expired.
 */
export type RevocationEntry =
  | { sid: string; before: number; expires: number }
  | { sub: string; before: number; expires: number }
  | { all: true; before: number; expires: number }
  | { kid: string; expires: number };

interface Cutoff {
  before: number;
  expires: number;
}

/**
 * The revocations a guard keeps in memory: cutoffs by `sid` and by `sub`, one global cutoff, and
 * revoked key ids. Per target only the latest cutoff matters (a later one covers every earlier
 * one), and an entry is dropped once it expires, so memory stays as small as the set of entries
 * written within one access-token lifetime, whatever the number of users. The check is a few map
 * lookups, with no allocation.
 */
export class RevocationList {
  private readonly sessions = new Map<string, Cutoff>();
  private readonly users = new Map<string, Cutoff>();
  private readonly keys = new Map<string, number>();
  private all: Cutoff | undefined;

  /** Adds or raises a cutoff; an already expired entry is ignored. */
  add(entry: RevocationEntry, nowSeconds: number): void {
    if (entry.expires <= nowSeconds) return;
    if ('kid' in entry) {
      const known = this.keys.get(entry.kid);
      if (known === undefined || entry.expires > known) this.keys.set(entry.kid, entry.expires);
    } else if ('sid' in entry) {
      raise(this.sessions, entry.sid, entry);
    } else if ('sub' in entry) {
      raise(this.users, entry.sub, entry);
    } else if (this.all === undefined) {
      this.all = { before: entry.before, expires: entry.expires };
    } else {
      raiseCutoff(this.all, entry);
    }
  }

  /**
   * Whether a token is revoked: of session `sid` (if any) and user `sub`, issued at `iat`, signed
   * by key `kid` (the header's). A token without `iat` can't be placed before or after a cutoff,
   * so any cutoff that targets it counts as revoking it.
   */
  isRevoked(sid: string | undefined, sub: string, iat: number | undefined, kid?: string): boolean {
    if (kid !== undefined && this.keys.size > 0 && this.keys.has(kid)) return true;
    if (this.all !== undefined && before(this.all, iat)) return true;
    if (this.users.size > 0) {
      const user = this.users.get(sub);
      if (user !== undefined && before(user, iat)) return true;
    }
    if (sid === undefined) return false;
    const session = this.sessions.get(sid);
    return session !== undefined && before(session, iat);
  }

  /** Drops the entries that expired; returns how many. */
  sweep(nowSeconds: number): number {
    let dropped = sweepMap(this.sessions, nowSeconds) + sweepMap(this.users, nowSeconds);
    for (const [kid, expires] of this.keys) {
      if (expires <= nowSeconds) {
        this.keys.delete(kid);
        dropped++;
      }
    }
    if (this.all !== undefined && this.all.expires <= nowSeconds) {
      this.all = undefined;
      dropped++;
    }
    return dropped;
  }

  /** How many cutoffs are held (sessions, users, keys and the global one). */
  get size(): number {
    return this.sessions.size + this.users.size + this.keys.size + (this.all === undefined ? 0 : 1);
  }
}

function before(cutoff: Cutoff, iat: number | undefined): boolean {
  return iat === undefined || iat < cutoff.before;
}

function raise(map: Map<string, Cutoff>, target: string, entry: Cutoff): void {
  const known = map.get(target);
  if (known === undefined) map.set(target, { before: entry.before, expires: entry.expires });
  else raiseCutoff(known, entry);
}

/** Keeping the larger of both is safe whatever order the feed delivers them in. */
function raiseCutoff(known: Cutoff, entry: Cutoff): void {
  if (entry.before > known.before) known.before = entry.before;
  if (entry.expires > known.expires) known.expires = entry.expires;
}

function sweepMap(map: Map<string, Cutoff>, nowSeconds: number): number {
  let dropped = 0;
  for (const [target, cutoff] of map) {
    if (cutoff.expires <= nowSeconds) {
      map.delete(target);
      dropped++;
    }
  }
  return dropped;
}
