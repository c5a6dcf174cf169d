import type { ListUsersOptions, Session, Store, User } from '../store/index.js';
import { publicUser } from './accounts.js';
import type { Clock } from './clock.js';

/** An account and its live sessions, newest first. */
export interface UserDetails {
  user: User;
  sessions: Session[];
}

/**
 * A session as its user and admins see it (HTTP API and CLI): times as ISO strings, never a token.
 *
 * @example
 * reply.send({ sessions: sessions.map(publicSession) });
 */
export function publicSession(s: Session) {
  return {
    id: s.id,
    created_at: new Date(s.createdAt).toISOString(),
    last_used_at: new Date(s.lastUsedAt).toISOString(),
    expires_at: new Date(s.absoluteExpiresAt).toISOString(),
    ip: s.ip,
    user_agent: s.userAgent,
  };
}

/**
 * An account with its live sessions as admins see it (`GET /admin/users/:id`, `tessera users
 * show --json`): never the password hash.
 *
 * @example
 * const details = await service.users.details(id);
 * if (details !== null) reply.send(publicUserDetails(details));
 */
export function publicUserDetails(details: UserDetails) {
  return {
    ...publicUser(details.user),
    updated_at: new Date(details.user.updatedAt).toISOString(),
    sessions: details.sessions.map(publicSession),
  };
}

/**
 * Reading accounts, for admins and the CLI: lookups, pages, counts. Changes go through
 * {@link Accounts}, which writes the audit rows.
 *
 * @example
 * const ada = await service.users.findByEmail('Ada@Example.com');
 * const page = await service.users.list({ limit: 100 });
 */
export class Users {
  constructor(
    private readonly store: Pick<Store, 'users' | 'sessions'>,
    private readonly clock: Clock,
  ) {}

  /** The account with this id, or null. */
  find(id: string): Promise<User | null> {
    return this.store.users.findById(id);
  }

  /** The account with this email (case and surrounding spaces don't matter), or null. */
  findByEmail(email: string): Promise<User | null> {
    return this.store.users.findByEmail(email);
  }

  /** One page ordered by email; pass the last email of the previous page as `after`. */
  list(options: ListUsersOptions): Promise<User[]> {
    return this.store.users.list(options);
  }

  /**
   * Accounts whose email starts with `query` (case-insensitive), ordered by email, at most
   * `limit`; a query that is a user id finds that account too. Emails sort together by prefix,
   * so this is one keyset page from the prefix on, cut where the prefix stops matching.
   *
   * @example
   * await service.users.search('ada@', 20); // [ada@example.com, ada@example.org]
   */
  async search(query: string, limit: number): Promise<User[]> {
    const prefix = query.trim().toLowerCase();
    if (prefix === '') return this.list({ limit });
    const found: User[] = [];
    const byId = await this.store.users.findById(query.trim());
    if (byId !== null) found.push(byId);
    const exact = await this.store.users.findByEmail(prefix);
    if (exact !== null && exact.id !== byId?.id) found.push(exact);
    let after = prefix;
    while (found.length < limit) {
      const page = await this.store.users.list({ limit: Math.min(100, limit), after });
      for (const user of page) {
        if (!user.email.startsWith(prefix)) return found;
        if (!found.some((u) => u.id === user.id)) found.push(user);
        if (found.length >= limit) return found;
      }
      if (page.length < Math.min(100, limit)) return found;
      after = page.at(-1)!.email;
    }
    return found;
  }

  /** How many accounts exist. */
  count(): Promise<number> {
    return this.store.users.count();
  }

  /** The account with its live sessions, or null. */
  async details(id: string): Promise<UserDetails | null> {
    const user = await this.store.users.findById(id);
    if (user === null) return null;
    const sessions = await this.store.sessions.listForUser(id, { now: this.clock.now(), activeOnly: true });
    return { user, sessions };
  }
}
