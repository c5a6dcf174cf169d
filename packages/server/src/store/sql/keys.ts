import type { Selectable } from 'kysely';
import type {
  InsertKeyResult,
  SigningKeyRecord,
  SigningKeyStore,
  SigningKeyUpdate,
} from '../contract/keys.js';
import { ADVISORY_LOCKS, lockTransaction } from './advisory-lock.js';
import { affectedRows, parseObject, type SqlContext } from './rows.js';
import type { SigningKeysTable } from './schema.js';

function toKey(row: Selectable<SigningKeysTable>): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg,
    publicJwk: parseObject(row.public_jwk),
    privateSealed: row.private_sealed,
    createdAt: row.created_at,
    activatesAt: row.activates_at,
    retiredAt: row.retired_at,
    expiresAt: row.expires_at,
  };
}

function toRow(key: SigningKeyRecord): Selectable<SigningKeysTable> {
  return {
    kid: key.kid,
    alg: key.alg,
    public_jwk: JSON.stringify(key.publicJwk),
    private_sealed: key.privateSealed,
    created_at: key.createdAt,
    activates_at: key.activatesAt,
    retired_at: key.retiredAt,
    expires_at: key.expiresAt,
  };
}

/**
 * The SQL {@link SigningKeyStore}.
 *
 * @example
 * const keys = new SqlSigningKeyStore({ db, dialect: 'sqlite' });
 * await keys.insertIfLatest(next, current.kid);
 */
export class SqlSigningKeyStore implements SigningKeyStore {
  readonly #ctx: SqlContext;

  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  async insert(key: SigningKeyRecord): Promise<void> {
    await this.#ctx.db.insertInto('signing_keys').values(toRow(key)).execute();
  }

  insertIfLatest(key: SigningKeyRecord, expectedLatestKid: string | null): Promise<InsertKeyResult> {
    const { db, dialect } = this.#ctx;
    return db.transaction().execute(async (trx): Promise<InsertKeyResult> => {
      // Read-compare-insert is only atomic if no other instance can run it in between: the
      // advisory lock (PostgreSQL) or the IMMEDIATE transaction (SQLite) makes sure of that.
      await lockTransaction(trx, dialect, ADVISORY_LOCKS.signingKeys);
      const latest = await trx
        .selectFrom('signing_keys')
        .select('kid')
        .orderBy('created_at', 'desc')
        .orderBy('kid', 'desc')
        .limit(1)
        .executeTakeFirst();
      const latestKid = latest?.kid ?? null;
      if (latestKid !== expectedLatestKid) return { status: 'conflict', latestKid };
      await trx.insertInto('signing_keys').values(toRow(key)).execute();
      return { status: 'inserted' };
    });
  }

  async find(kid: string): Promise<SigningKeyRecord | null> {
    const row = await this.#ctx.db
      .selectFrom('signing_keys')
      .selectAll()
      .where('kid', '=', kid)
      .executeTakeFirst();
    return row === undefined ? null : toKey(row);
  }

  async list(options: { now?: number | undefined } = {}): Promise<SigningKeyRecord[]> {
    let query = this.#ctx.db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid');
    const { now } = options;
    if (now !== undefined) {
      query = query.where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
    }
    return (await query.execute()).map(toKey);
  }

  async update(kid: string, changes: SigningKeyUpdate): Promise<SigningKeyRecord | null> {
    if (changes.retiredAt === undefined && changes.expiresAt === undefined) return this.find(kid);
    const row = await this.#ctx.db
      .updateTable('signing_keys')
      .set({
        ...(changes.retiredAt === undefined ? {} : { retired_at: changes.retiredAt }),
        ...(changes.expiresAt === undefined ? {} : { expires_at: changes.expiresAt }),
      })
      .where('kid', '=', kid)
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? null : toKey(row);
  }

  async deleteExpired(now: number): Promise<number> {
    const result = await this.#ctx.db
      .deleteFrom('signing_keys')
      .where('expires_at', 'is not', null)
      .where('expires_at', '<=', now)
      .executeTakeFirst();
    return affectedRows(result.numDeletedRows);
  }
}
