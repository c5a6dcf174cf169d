import { type Selectable, sql } from 'kysely';
import type {
  CreateUserResult,
  ListUsersOptions,
  NewUser,
  User,
  UserAccessUpdate,
  UserFilter,
  UserStore,
} from '../contract/users.js';
import { normalizeEmail } from '../contract/users.js';
import { PreparedQuery } from './prepared.js';
import { affectedRows, parseStringArray, type SqlContext, toUser } from './rows.js';
import type { UsersTable } from './schema.js';

/**
 * The SQL {@link UserStore}.
 *
 * @example
 * const users = new SqlUserStore({ db, dialect: 'sqlite' });
 * await users.create({ id, email, passwordHash, now });
 */
export class SqlUserStore implements UserStore {
  readonly #ctx: SqlContext;
  /** Compiled once: read on every login, refresh (Redis store) and Bearer route. */
  readonly #byId: PreparedQuery<'id', Selectable<UsersTable>>;
  readonly #byEmail: PreparedQuery<'email', Selectable<UsersTable>>;

  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
    this.#byId = new PreparedQuery(['id'], (p) =>
      ctx.db.selectFrom('users').selectAll().where('id', '=', p.id),
    );
    this.#byEmail = new PreparedQuery(['email'], (p) =>
      ctx.db.selectFrom('users').selectAll().where('email', '=', p.email),
    );
  }

  async create(user: NewUser): Promise<CreateUserResult> {
    // ON CONFLICT DO NOTHING makes the duplicate a result and keeps a race between two creates atomic.
    const row = await this.#ctx.db
      .insertInto('users')
      .values({
        id: user.id,
        email: normalizeEmail(user.email),
        password_hash: user.passwordHash,
        roles: JSON.stringify(user.roles ?? []),
        permissions: JSON.stringify(user.permissions ?? []),
        blocked: user.blocked === true ? 1 : 0,
        created_at: user.now,
        updated_at: user.now,
      })
      .onConflict((oc) => oc.column('email').doNothing())
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? { status: 'duplicate-email' } : { status: 'created', user: toUser(row) };
  }

  async findById(id: string): Promise<User | null> {
    const [row] = (await this.#ctx.db.executeQuery(this.#byId.bind({ id }))).rows;
    return row === undefined ? null : toUser(row);
  }

  async findByEmail(email: string): Promise<User | null> {
    const [row] = (await this.#ctx.db.executeQuery(this.#byEmail.bind({ email: normalizeEmail(email) })))
      .rows;
    return row === undefined ? null : toUser(row);
  }

  async list(options: ListUsersOptions): Promise<User[]> {
    let query = this.#ctx.db.selectFrom('users').selectAll().orderBy('email').limit(options.limit);
    if (options.after !== undefined) query = query.where('email', '>', normalizeEmail(options.after));
    return (await query.execute()).map(toUser);
  }

  async count(filter: UserFilter = {}): Promise<number> {
    let query = this.#ctx.db.selectFrom('users');
    if (filter.blocked !== undefined) query = query.where('blocked', '=', filter.blocked ? 1 : 0);
    const { role } = filter;
    if (role === undefined) {
      const row = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    }
    // Roles are a JSON array in a text column. A LIKE on the JSON-quoted name narrows the rows the
    // same way in SQLite and PostgreSQL (a superset: SQLite's LIKE ignores ASCII case, and the
    // quoted name can occur inside another role's text); the exact match is made on the parsed array.
    const pattern = `%${JSON.stringify(role).replace(/[!%_]/g, '!$&')}%`;
    const rows = await query.select('roles').where(sql<boolean>`roles like ${pattern} escape '!'`).execute();
    return rows.filter((row) => parseStringArray(row.roles).includes(role)).length;
  }

  updatePasswordHash(id: string, passwordHash: string, now: number): Promise<User | null> {
    return this.#update(id, { password_hash: passwordHash }, now);
  }

  updateAccess(id: string, access: UserAccessUpdate, now: number): Promise<User | null> {
    return this.#update(
      id,
      {
        ...(access.roles === undefined ? {} : { roles: JSON.stringify(access.roles) }),
        ...(access.permissions === undefined ? {} : { permissions: JSON.stringify(access.permissions) }),
      },
      now,
    );
  }

  setBlocked(id: string, blocked: boolean, now: number): Promise<User | null> {
    return this.#update(id, { blocked: blocked ? 1 : 0 }, now);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.#ctx.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return affectedRows(result.numDeletedRows) > 0;
  }

  async #update(id: string, changes: Partial<UsersTable>, now: number): Promise<User | null> {
    const row = await this.#ctx.db
      .updateTable('users')
      .set({ ...changes, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? null : toUser(row);
  }
}
