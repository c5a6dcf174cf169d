/** A user account as every store returns it. `email` is always normalized (see {@link normalizeEmail}). */
export interface User {
  id: string;
  email: string;
  /** An argon2id PHC string; the store never sees a password. */
  passwordHash: string;
  roles: string[];
  permissions: string[];
  blocked: boolean;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds. */
  updatedAt: number;
}

/** What the caller supplies to create a user; `now` becomes `createdAt` and `updatedAt`. */
export interface NewUser {
  id: string;
  email: string;
  passwordHash: string;
  roles?: readonly string[] | undefined;
  permissions?: readonly string[] | undefined;
  blocked?: boolean | undefined;
  now: number;
}

/** A duplicate email is an expected outcome, so it is a result, never a thrown SQL error. */
export type CreateUserResult = { status: 'created'; user: User } | { status: 'duplicate-email' };

/** Keyset paging ordered by email: pass the last email of the previous page as `after`. */
export interface ListUsersOptions {
  limit: number;
  after?: string | undefined;
}

/** Which users {@link UserStore.count} counts; an omitted field matches every user. */
export interface UserFilter {
  /** Only users holding exactly this role. */
  role?: string | undefined;
  /** Only blocked (true) or only unblocked (false) users. */
  blocked?: boolean | undefined;
}

/** Roles and permissions are replaced as a whole; an omitted field is left unchanged. */
export interface UserAccessUpdate {
  roles?: readonly string[] | undefined;
  permissions?: readonly string[] | undefined;
}

/**
 * Accounts. Emails are unique case-insensitively: every store normalizes with
 * {@link normalizeEmail} on write and on lookup.
 *
 * @example
 * const result = await store.users.create({ id: randomUUID(), email: 'Ada@Example.com', passwordHash, now });
 * if (result.status === 'duplicate-email') return conflict();
 * await store.users.findByEmail('ada@example.com'); // result.user
 */
export interface UserStore {
  /** Inserts the user unless the normalized email is taken. Atomic: of two concurrent creates with one email, exactly one is 'created'. */
  create(user: NewUser): Promise<CreateUserResult>;
  findById(id: string): Promise<User | null>;
  /** Looks up by normalized email. */
  findByEmail(email: string): Promise<User | null>;
  /** One page ordered by email. */
  list(options: ListUsersOptions): Promise<User[]>;
  /** How many users match `filter` (all of them without one): e.g. the unblocked admins. */
  count(filter?: UserFilter): Promise<number>;
  /** Returns the updated user, or null if there is no such user. */
  updatePasswordHash(id: string, passwordHash: string, now: number): Promise<User | null>;
  /** Returns the updated user, or null if there is no such user. */
  updateAccess(id: string, access: UserAccessUpdate, now: number): Promise<User | null>;
  /** Returns the updated user, or null if there is no such user. Does not revoke sessions: the caller does. */
  setBlocked(id: string, blocked: boolean, now: number): Promise<User | null>;
  /**
   * Deletes the user (audit entries stay). A store that keeps sessions with the user deletes them
   * too; callers still call {@link SessionStore.deleteAllForUser} first, for stores that keep
   * sessions elsewhere. True if a row was deleted.
   */
  delete(id: string): Promise<boolean>;
}

/**
 * The one email normalization every store applies, so lookups can't miss on case, stray spaces or
 * Unicode composition (NFC: `é` typed as `e` + U+0301 is the same address as the precomposed `é`).
 *
 * @example
 * normalizeEmail(' Ada@Example.COM '); // 'ada@example.com'
 */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase().normalize('NFC');
}
