import { randomUUID } from 'node:crypto';
import { normalizeEmail, type Store, type User } from '../store/index.js';
import type { Actor, AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import { isEmail } from './email-address.js';
import { ADMIN_ROLE, keepingAnAdmin } from './last-admin.js';
import { checkNewPassword, checkPassword, type PasswordHasher, type PasswordProblem } from './passwords.js';
import type { Revocations } from './revocations.js';

/** Where a request came from, for audit rows. */
export interface RequestMeta {
  ip?: string | null;
  userAgent?: string | null;
}

export { isEmail } from './email-address.js';

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

export type SelfRegisterResult = RegisterResult | { status: 'registration-closed' };

export type ChangePasswordResult =
  | { status: 'ok' }
  | { status: 'wrong-password' }
  | { status: 'invalid-password'; problem: PasswordProblem }
  | { status: 'not-found' };

/** `last-admin`: the change would leave no unblocked admin, so it was refused. */
export type UpdateUserResult =
  | { status: 'ok'; user: User }
  | { status: 'not-found' }
  | { status: 'last-admin' };

export type SetPasswordResult =
  | { status: 'ok'; revokedSessions: number }
  | { status: 'invalid-password'; problem: PasswordProblem }
  | { status: 'not-found' };

export type DeleteUserResult =
  | { status: 'ok'; revokedSessions: number }
  | { status: 'not-found' }
  | { status: 'last-admin' };

/**
 * Accounts: registration, password changes, roles, permissions, blocking and
 * deletion. Every change that takes rights away revokes at once, with ONE
 * per-user revocation entry whatever the number of sessions: password change,
 * block and delete kill sessions; a role or permission change revokes the
 * current access tokens but keeps the sessions, so the next refresh carries the
 * new rights. No change may leave the server without an unblocked admin.
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
    private readonly audit: AuditLog,
    private readonly policy: { registration: 'open' | 'closed' } = { registration: 'open' },
  ) {}

  /** Creates an account with the given roles (default `user`); `by` is the admin who created it. */
  async register(
    email: string,
    password: string,
    opts: { roles?: string[]; permissions?: string[]; meta?: RequestMeta; by?: string } = {},
  ): Promise<RegisterResult> {
    const address = normalizeEmail(email);
    if (!isEmail(address)) return { status: 'invalid-email' };
    const problem = checkNewPassword(password, { email: address });
    if (problem !== null) return { status: 'invalid-password', problem };
    const passwordHash = await this.hasher.hash(password);
    const now = this.clock.now();
    const result = await this.store.users.create({
      id: randomUUID(),
      email: address,
      passwordHash,
      roles: opts.roles ?? ['user'],
      permissions: opts.permissions ?? [],
      now,
    });
    if (result.status === 'created') {
      await this.audit.record('register', {
        userId: result.user.id,
        meta: opts.meta,
        details: opts.by === undefined ? {} : { by: opts.by },
      });
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
    const user = await this.store.users.findById(userId);
    if (user === null) return { status: 'not-found' };
    const problem = checkNewPassword(newPassword, { email: user.email });
    if (problem !== null) return { status: 'invalid-password', problem };
    if (
      checkPassword(currentPassword) === 'too-long' ||
      !(await this.hasher.verify(user.passwordHash, currentPassword))
    ) {
      await this.audit.record('password-change-failed', { userId, meta });
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
    await this.audit.record('password-changed', {
      userId,
      meta,
      details: { revokedSessions: revoked.length },
    });
    return { status: 'ok' };
  }

  /**
   * Replaces roles and/or permissions and revokes the user's current access tokens (sessions
   * stay). Taking the admin role from the last unblocked admin is refused.
   */
  async setAccess(
    userId: string,
    access: { roles?: string[]; permissions?: string[] },
    actor?: { userId?: string; meta?: RequestMeta },
  ): Promise<UpdateUserResult> {
    const now = this.clock.now();
    const user = await keepingAnAdmin(
      this.store.users,
      userId,
      access.roles !== undefined && !access.roles.includes(ADMIN_ROLE),
      () => this.store.users.updateAccess(userId, access, now),
      (before) => this.store.users.updateAccess(userId, { roles: before.roles }, now),
    );
    if (user === 'last-admin') return { status: 'last-admin' };
    if (user === null) return { status: 'not-found' };
    await this.revocations.revokeUser(userId, now);
    await this.audit.record('access-changed', {
      userId,
      meta: actor?.meta,
      details: {
        roles: user.roles,
        permissions: user.permissions,
        by: actor?.userId ?? null,
      },
    });
    return { status: 'ok', user };
  }

  /**
   * Blocks (revoking every session and access token) or unblocks an account. Blocking the last
   * unblocked admin is refused.
   */
  async setBlocked(
    userId: string,
    blocked: boolean,
    actor?: { userId?: string; meta?: RequestMeta },
  ): Promise<UpdateUserResult> {
    const now = this.clock.now();
    const user = await keepingAnAdmin(
      this.store.users,
      userId,
      blocked,
      () => this.store.users.setBlocked(userId, blocked, now),
      () => this.store.users.setBlocked(userId, false, now),
    );
    if (user === 'last-admin') return { status: 'last-admin' };
    if (user === null) return { status: 'not-found' };
    if (blocked) {
      await this.store.sessions.revokeAllForUser(userId, 'blocked', now);
      await this.revocations.revokeUser(userId, now);
    }
    await this.audit.record(blocked ? 'user-blocked' : 'user-unblocked', {
      userId,
      meta: actor?.meta,
      details: {
        by: actor?.userId ?? null,
      },
    });
    return { status: 'ok', user };
  }

  /** Revokes every session of a user (admin action). Returns how many. */
  async revokeSessions(userId: string, actor?: { userId?: string; meta?: RequestMeta }): Promise<number> {
    const now = this.clock.now();
    const revoked = await this.store.sessions.revokeAllForUser(userId, 'admin', now);
    await this.revocations.revokeUser(userId, now);
    await this.audit.record('sessions-revoked', {
      userId,
      meta: actor?.meta,
      details: {
        count: revoked.length,
        by: actor?.userId ?? null,
      },
    });
    return revoked.length;
  }

  /**
   * Registration by visitors themselves (`POST /auth/register`): refused while the
   * configuration says `registration: "closed"`; admins and the CLI use {@link register}.
   */
  async selfRegister(email: string, password: string, meta?: RequestMeta): Promise<SelfRegisterResult> {
    if (this.policy.registration === 'closed') return { status: 'registration-closed' };
    return this.register(email, password, meta === undefined ? {} : { meta });
  }

  /**
   * Creates the first admin when there is no account yet (first start with
   * TESSERA_ADMIN_EMAIL / TESSERA_ADMIN_PASSWORD). Returns the user, or null
   * when accounts already exist. Safe when many instances start at once with the
   * same settings: one creates the account (the email is unique), the others get null.
   *
   * @example
   * const created = await service.accounts.bootstrapAdmin('root@example.com', password);
   * if (created?.status === 'created') log.info('created the first admin');
   */
  async bootstrapAdmin(email: string, password: string): Promise<RegisterResult | null> {
    if ((await this.store.users.count()) > 0) return null;
    const result = await this.register(email, password, { roles: ['admin', 'user'] });
    // Another instance created it between the count and this insert.
    return result.status === 'duplicate-email' ? null : result;
  }

  /**
   * Sets a new password without asking for the current one (an admin, or the CLI, for a user
   * who lost it). Every session of the user is revoked with its access tokens.
   */
  async setPassword(userId: string, newPassword: string, actor?: Actor): Promise<SetPasswordResult> {
    const user = await this.store.users.findById(userId);
    if (user === null) return { status: 'not-found' };
    const problem = checkNewPassword(newPassword, { email: user.email });
    if (problem !== null) return { status: 'invalid-password', problem };
    const passwordHash = await this.hasher.hash(newPassword);
    const now = this.clock.now();
    if ((await this.store.users.updatePasswordHash(userId, passwordHash, now)) === null) {
      return { status: 'not-found' };
    }
    const revoked = await this.store.sessions.revokeAllForUser(userId, 'password-set', now);
    await this.revocations.revokeUser(userId, now);
    await this.audit.record('password-set', {
      userId,
      meta: actor?.meta,
      details: {
        revokedSessions: revoked.length,
        by: actor?.userId ?? null,
      },
    });
    return { status: 'ok', revokedSessions: revoked.length };
  }

  /**
   * Deletes an account: it is blocked first (so it can't log in or refresh meanwhile), its live
   * sessions and their access tokens are revoked, then its sessions and the account are deleted.
   * The audit row keeps the user id. Deleting the last unblocked admin is refused.
   */
  async delete(userId: string, actor?: Actor): Promise<DeleteUserResult> {
    const now = this.clock.now();
    const blocked = await keepingAnAdmin(
      this.store.users,
      userId,
      true,
      () => this.store.users.setBlocked(userId, true, now),
      () => this.store.users.setBlocked(userId, false, now),
    );
    if (blocked === 'last-admin') return { status: 'last-admin' };
    if (blocked === null) return { status: 'not-found' };
    const revoked = await this.store.sessions.revokeAllForUser(userId, 'deleted', now);
    await this.revocations.revokeUser(userId, now);
    await this.store.sessions.deleteAllForUser(userId);
    await this.store.users.delete(userId);
    await this.audit.record('user-deleted', {
      userId,
      meta: actor?.meta,
      details: {
        revokedSessions: revoked.length,
        by: actor?.userId ?? null,
      },
    });
    return { status: 'ok', revokedSessions: revoked.length };
  }
}
