import { randomUUID } from 'node:crypto';
import type { Store, User } from '../store/index.js';
import type { Clock } from './clock.js';
import { checkPassword, type PasswordHasher, type PasswordProblem } from './passwords.js';
import type { Revocations } from './revocations.js';

/** Where a request came from, for audit rows. */
export interface RequestMeta {
  ip?: string | null;
  userAgent?: string | null;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,252}\.[^\s@]{1,63}$/;

/** True for a plausible email address of at most 254 characters. */
export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

/**
 * A user as admins see it (HTTP API and CLI): never the password hash.
 *
 * @example
 * reply.send(publicUser(user));
 */
export function publicUser(user: User) {
  return {
    id: user.id,
    email: user.email,
    roles: user.roles,
    permissions: user.permissions,
    blocked: user.blocked,
    created_at: new Date(user.createdAt).toISOString(),
  };
}

export type RegisterResult =
  | { status: 'created'; user: User }
  | { status: 'duplicate-email' }
  | { status: 'invalid-email' }
  | { status: 'invalid-password'; problem: PasswordProblem };

export type ChangePasswordResult =
  | { status: 'ok' }
  | { status: 'wrong-password' }
  | { status: 'invalid-password'; problem: PasswordProblem }
  | { status: 'not-found' };

export type UpdateUserResult = { status: 'ok'; user: User } | { status: 'not-found' };

/**
 * Accounts: registration, password changes, roles, permissions and blocking.
 * Every change that takes rights away revokes at once, with ONE per-user
 * revocation entry whatever the number of sessions: password change and block
 * kill sessions; a role or permission change revokes the current access tokens
 * but keeps the sessions, so the next refresh carries the new rights.
 *
 * @example
 * const result = await accounts.register('ada@example.com', 'correct horse battery');
 */
export class Accounts {
  constructor(
    private readonly store: Store,
    private readonly hasher: PasswordHasher,
    private readonly revocations: Revocations,
    private readonly clock: Clock,
  ) {}

  /** Creates an account with the given roles (default `user`). */
  async register(
    email: string,
    password: string,
    opts: { roles?: string[]; permissions?: string[]; meta?: RequestMeta } = {},
  ): Promise<RegisterResult> {
    if (!isEmail(email.trim())) return { status: 'invalid-email' };
    const problem = checkPassword(password);
    if (problem !== null) return { status: 'invalid-password', problem };
    const passwordHash = await this.hasher.hash(password);
    const now = this.clock.now();
    const result = await this.store.users.create({
      id: randomUUID(),
      email,
      passwordHash,
      roles: opts.roles ?? ['user'],
      permissions: opts.permissions ?? [],
      now,
    });
    if (result.status === 'created') {
      await this.audit('register', result.user.id, opts.meta, {});
    }
    return result;
  }

  /**
   * Changes the password after checking the current one. Every other session of the user is
   * revoked; every access token of the user, the current session's too, is cut by one per-user
   * entry. The current session's refresh token keeps working: the client's next call refreshes.
   */
  async changePassword(
    userId: string,
    currentSessionId: string | undefined,
    currentPassword: string,
    newPassword: string,
    meta?: RequestMeta,
  ): Promise<ChangePasswordResult> {
    const problem = checkPassword(newPassword);
    if (problem !== null) return { status: 'invalid-password', problem };
    const user = await this.store.users.findById(userId);
    if (user === null) return { status: 'not-found' };
    if (
      checkPassword(currentPassword) === 'too-long' ||
      !(await this.hasher.verify(user.passwordHash, currentPassword))
    ) {
      await this.audit('password-change-failed', userId, meta, {});
      return { status: 'wrong-password' };
    }
    const now = this.clock.now();
    await this.store.users.updatePasswordHash(userId, await this.hasher.hash(newPassword), now);
    const revoked = await this.store.sessions.revokeAllForUser(
      userId,
      'password-change',
      now,
      currentSessionId === undefined ? {} : { exceptSessionId: currentSessionId },
    );
    await this.revocations.revokeUser(userId, now);
    await this.audit('password-changed', userId, meta, { revokedSessions: revoked.length });
    return { status: 'ok' };
  }

  /** Replaces roles and/or permissions and revokes the user's current access tokens (sessions stay). */
  async setAccess(
    userId: string,
    access: { roles?: string[]; permissions?: string[] },
    actor?: { userId?: string; meta?: RequestMeta },
  ): Promise<UpdateUserResult> {
    const now = this.clock.now();
    const user = await this.store.users.updateAccess(userId, access, now);
    if (user === null) return { status: 'not-found' };
    await this.revocations.revokeUser(userId, now);
    await this.audit('access-changed', userId, actor?.meta, {
      roles: user.roles,
      permissions: user.permissions,
      by: actor?.userId ?? null,
    });
    return { status: 'ok', user };
  }

  /** Blocks (revoking every session and access token) or unblocks an account. */
  async setBlocked(
    userId: string,
    blocked: boolean,
    actor?: { userId?: string; meta?: RequestMeta },
  ): Promise<UpdateUserResult> {
    const now = this.clock.now();
    const user = await this.store.users.setBlocked(userId, blocked, now);
    if (user === null) return { status: 'not-found' };
    if (blocked) {
      await this.store.sessions.revokeAllForUser(userId, 'blocked', now);
      await this.revocations.revokeUser(userId, now);
    }
    await this.audit(blocked ? 'user-blocked' : 'user-unblocked', userId, actor?.meta, {
      by: actor?.userId ?? null,
    });
    return { status: 'ok', user };
  }

  /** Revokes every session of a user (admin action). Returns how many. */
  async revokeSessions(userId: string, actor?: { userId?: string; meta?: RequestMeta }): Promise<number> {
    const now = this.clock.now();
    const revoked = await this.store.sessions.revokeAllForUser(userId, 'admin', now);
    await this.revocations.revokeUser(userId, now);
    await this.audit('sessions-revoked', userId, actor?.meta, {
      count: revoked.length,
      by: actor?.userId ?? null,
    });
    return revoked.length;
  }

  /**
   * Creates the first admin when there is no account yet (first start with
   * TESSERA_ADMIN_EMAIL / TESSERA_ADMIN_PASSWORD). Returns the user, or null
   * when accounts already exist.
   */
  async bootstrapAdmin(email: string, password: string): Promise<RegisterResult | null> {
    if ((await this.store.users.count()) > 0) return null;
    return this.register(email, password, { roles: ['admin', 'user'] });
  }

  private async audit(
    type: string,
    userId: string,
    meta: RequestMeta | undefined,
    details: Record<string, unknown>,
  ) {
    await this.store.audit.append({
      at: this.clock.now(),
      type,
      userId,
      ip: meta?.ip ?? null,
      details: meta?.userAgent ? { ...details, userAgent: meta.userAgent } : details,
    });
  }
}
