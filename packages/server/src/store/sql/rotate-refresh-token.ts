import type { Kysely, Transaction } from 'kysely';
import type { InvalidRefreshReason, RotateRefreshTokenInput, RotateResult } from '../contract/rotation.js';
import { REUSE_REASON } from '../contract/sessions.js';
import type { User } from '../contract/users.js';
import { PreparedQuery } from './prepared.js';
import { parseStringArray, toSession } from './rows.js';
import type { Database } from './schema.js';

type Trx = Transaction<Database>;

// Thrown inside the transaction to roll the claimed token back when the session died meanwhile.
const SESSION_GONE = Symbol('session-gone');

/** The rotation's statements, compiled once per database (see {@link PreparedQuery}). */
function prepareQueries(db: Kysely<Database>) {
  return {
    /** Everything a decision needs, in ONE indexed read: token, its session and user, its successor. */
    load: new PreparedQuery(['hash'], (p) =>
      db
        .selectFrom('refresh_tokens as t')
        .innerJoin('sessions as s', 's.id', 't.session_id')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .leftJoin('refresh_tokens as n', 'n.hash', 't.successor_hash')
        .selectAll('s')
        .select([
          't.expires_at as t_expires_at',
          't.used_at as t_used_at',
          't.successor_sealed as t_successor_sealed',
          'n.hash as n_hash',
          'n.used_at as n_used_at',
          'n.expires_at as n_expires_at',
          'u.email as u_email',
          'u.password_hash as u_password_hash',
          'u.roles as u_roles',
          'u.permissions as u_permissions',
          'u.blocked as u_blocked',
          'u.created_at as u_created_at',
          'u.updated_at as u_updated_at',
        ])
        .where('t.hash', '=', p.hash),
    ),
    /** The conditional write that makes rotation exclusive: only one transaction can flip used_at. */
    claim: new PreparedQuery(['now', 'successorHash', 'successorSealed', 'hash'], (p) =>
      db
        .updateTable('refresh_tokens')
        .set({ used_at: p.now, successor_hash: p.successorHash, successor_sealed: p.successorSealed })
        .where('hash', '=', p.hash)
        .where('used_at', 'is', null),
    ),
    // Conditional too: in PostgreSQL a revocation committed since our read makes this match nothing
    // (it waits for the revoker's row lock, then re-checks), and the claim is rolled back.
    touchSession: new PreparedQuery(['now', 'id'], (p) =>
      db
        .updateTable('sessions')
        .set({ last_used_at: p.now })
        .where('id', '=', p.id)
        .where('revoked_at', 'is', null)
        .where('absolute_expires_at', '>', p.now)
        .returningAll(),
    ),
    insertSuccessor: new PreparedQuery(['hash', 'sessionId', 'now', 'expiresAt'], (p) =>
      db
        .insertInto('refresh_tokens')
        .values({ hash: p.hash, session_id: p.sessionId, created_at: p.now, expires_at: p.expiresAt }),
    ),
    // Only the caller whose write revokes the session reports 'reused', so theft is audited once.
    revokeForReuse: new PreparedQuery(['now', 'id'], (p) =>
      db
        .updateTable('sessions')
        .set({ revoked_at: p.now, revoked_reason: REUSE_REASON })
        .where('id', '=', p.id)
        .where('revoked_at', 'is', null)
        .returningAll(),
    ),
  };
}

type Queries = ReturnType<typeof prepareQueries>;

async function loadToken(trx: Trx, q: Queries, hash: string) {
  const { rows } = await trx.executeQuery(q.load.bind({ hash }));
  return rows[0];
}

type Loaded = NonNullable<Awaited<ReturnType<typeof loadToken>>>;
type Verdict = 'claim' | 'grace' | 'reuse' | InvalidRefreshReason;

function judge(row: Loaded | undefined, { now, graceMs, dpopJkt }: RotateRefreshTokenInput): Verdict {
  if (row === undefined) return 'unknown';
  if (row.dpop_jkt !== null && row.dpop_jkt !== dpopJkt) return 'dpop-mismatch';
  if (row.revoked_at !== null) return 'session-revoked';
  if (row.absolute_expires_at <= now) return 'session-expired';
  if (row.u_blocked !== 0) return 'user-blocked';
  if (row.t_expires_at <= now) return 'expired';
  if (row.t_used_at === null) return 'claim';
  const successorLive =
    row.n_hash !== null && row.n_used_at === null && row.n_expires_at !== null && row.n_expires_at > now;
  return now - row.t_used_at < graceMs && successorLive && row.t_successor_sealed !== null
    ? 'grace'
    : 'reuse';
}

function userOf(row: Loaded): User {
  return {
    id: row.user_id,
    email: row.u_email,
    passwordHash: row.u_password_hash,
    roles: parseStringArray(row.u_roles),
    permissions: parseStringArray(row.u_permissions),
    blocked: row.u_blocked !== 0,
    createdAt: row.u_created_at,
    updatedAt: row.u_updated_at,
  };
}

async function claim(trx: Trx, q: Queries, input: RotateRefreshTokenInput): Promise<boolean> {
  const { numAffectedRows } = await trx.executeQuery(
    q.claim.bind({
      now: input.now,
      successorHash: input.successor.hash,
      successorSealed: input.successor.sealed,
      hash: input.hash,
    }),
  );
  return (numAffectedRows ?? 0n) > 0n;
}

async function finishRotation(
  trx: Trx,
  q: Queries,
  row: Loaded,
  input: RotateRefreshTokenInput,
): Promise<RotateResult> {
  const { rows } = await trx.executeQuery(q.touchSession.bind({ now: input.now, id: row.id }));
  const session = rows[0];
  if (session === undefined) throw SESSION_GONE;
  await trx.executeQuery(
    q.insertSuccessor.bind({
      hash: input.successor.hash,
      sessionId: row.id,
      now: input.now,
      expiresAt: input.successor.expiresAt,
    }),
  );
  return { status: 'rotated', session: toSession(session), user: userOf(row) };
}

async function revokeForReuse(trx: Trx, q: Queries, row: Loaded, now: number): Promise<RotateResult> {
  const { rows } = await trx.executeQuery(q.revokeForReuse.bind({ now, id: row.id }));
  const session = rows[0];
  return session === undefined
    ? { status: 'invalid', reason: 'session-revoked' }
    : { status: 'reused', session: toSession(session) };
}

async function rotateIn(trx: Trx, q: Queries, input: RotateRefreshTokenInput): Promise<RotateResult> {
  let row = await loadToken(trx, q, input.hash);
  let verdict = judge(row, input);
  if (verdict === 'claim' && row !== undefined) {
    if (await claim(trx, q, input)) return finishRotation(trx, q, row, input);
    // Lost to a concurrent rotation (PostgreSQL, READ COMMITTED): this new read sees the winner.
    row = await loadToken(trx, q, input.hash);
    verdict = judge(row, input);
  }
  if (row === undefined) return { status: 'invalid', reason: 'unknown' };
  switch (verdict) {
    case 'grace':
      return {
        status: 'grace',
        session: toSession(row),
        user: userOf(row),
        // judge() only says 'grace' when the sealed successor is there.
        successorSealed: row.t_successor_sealed!,
      };
    case 'reuse':
      return revokeForReuse(trx, q, row, input.now);
    case 'claim':
      // Unreachable: a failed claim means used_at was set, and nobody clears it.
      return { status: 'invalid', reason: 'unknown' };
    default:
      return { status: 'invalid', reason: verdict };
  }
}

/**
 * The SQL rotation: one transaction of one read and at most three writes (in SQLite, a savepoint
 * inside the IMMEDIATE transaction of a group commit). Exclusivity comes from the conditional
 * `UPDATE ... WHERE used_at IS NULL`, which holds in PostgreSQL under READ COMMITTED and in SQLite
 * across processes. Its statements are compiled once, when the rotation is created.
 *
 * @example
 * const rotation = new SqlRefreshRotation(db);
 * const result = await rotation.rotate({ hash, successor: { hash: h2, sealed, expiresAt }, now, graceMs: 30_000 });
 */
export class SqlRefreshRotation {
  readonly #db: Kysely<Database>;
  readonly #queries: Queries;

  constructor(db: Kysely<Database>) {
    this.#db = db;
    this.#queries = prepareQueries(db);
  }

  async rotate(input: RotateRefreshTokenInput): Promise<RotateResult> {
    try {
      return await this.#db.transaction().execute((trx) => rotateIn(trx, this.#queries, input));
    } catch (error) {
      if (error === SESSION_GONE) return { status: 'invalid', reason: 'session-revoked' };
      throw error;
    }
  }
}
