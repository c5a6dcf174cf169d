import type { User, UserStore } from '../store/index.js';

/** The role that administers accounts and keys. */
export const ADMIN_ROLE = 'admin';

/**
 * True for a user who can act as an admin now: role `admin` and not blocked.
 *
 * @example
 * if (isActiveAdmin(user)) console.log(`${user.email} administers this server`);
 */
export function isActiveAdmin(user: User): boolean {
  return !user.blocked && user.roles.includes(ADMIN_ROLE);
}

/**
 * Runs `write` (which may take the admin role from the user, block or delete it) unless it would
 * leave no unblocked admin; returns the user `write` returned (null: no such user), or
 * 'last-admin'. The count is checked before the write, and again after it: when two admins
 * demote each other at the same moment, each sees the other gone and undoes its own write, so
 * one admin always stays.
 *
 * @example
 * const user = await keepingAnAdmin(store.users, id, true, () => store.users.setBlocked(id, true, now),
 *   () => store.users.setBlocked(id, false, now));
 */
export async function keepingAnAdmin(
  users: UserStore,
  userId: string,
  takesAdmin: boolean,
  write: () => Promise<User | null>,
  undo: (before: User) => Promise<unknown>,
): Promise<User | null | 'last-admin'> {
  const before = takesAdmin ? await users.findById(userId) : null;
  const guarded = before !== null && isActiveAdmin(before);
  const admins = () => users.count({ role: ADMIN_ROLE, blocked: false });
  if (guarded && (await admins()) <= 1) return 'last-admin';
  const user = await write();
  if (guarded && user !== null && (await admins()) === 0) {
    await undo(before);
    return 'last-admin';
  }
  return user;
}
