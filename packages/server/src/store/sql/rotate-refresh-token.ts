import type { Kysely, Transaction } from 'kysely';
import type { InvalidRefreshReason, RotateRefreshTokenInput, RotateResult } from '../contract/rotation.js';
import { REUSE_REASON } from '../contract/sessions.js';
import type { User } from '../contract/users.js';
import { parseStringArray, toSession } from './rows.js';
import type { Database } from './schema.js';

type Trx = Transaction<Database>;

// Thrown inside the transaction to roll the claimed token back when the session died meanwhile.
const SESSION_GONE = Symbol('session-gone');

/** Everything a decision needs, in ONE indexed read: token, its session and user, its successor. */
function loadToken(trx: Trx, hash: string) {
  return trx
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
    .where('t.hash', '=', hash)
    .executeTakeFirst();
}

type Loaded = NonNullable<Awaited<ReturnType<typeof loadToken>>>;
type Verdict = 'claim' | 'grace' | 'reuse' | InvalidRefreshReason;

function judge(row: Loaded | undefined, { now, graceMs }: RotateRefreshTokenInput): Verdict {
  if (row === undefined) return 'unknown';
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

/** The conditional write that makes rotation exclusive: only one transaction can flip used_at. */
async function claim(trx: Trx, input: RotateRefreshTokenInput): Promise<boolean> {
  const result = await trx
    .updateTable('refresh_tokens')
    .set({
      used_at: input.now,
      successor_hash: input.successor.hash,
      successor_sealed: input.successor.sealed,
    })
    .where('hash', '=', input.hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

async function finishRotation(trx: Trx, row: Loaded, input: RotateRefreshTokenInput): Promise<RotateResult> {
  // Conditional too: in PostgreSQL a revocation committed since our read makes this match nothing
  // (it waits for the revoker's row lock, then re-checks), and the claim is rolled back.
  const session = await trx
    .updateTable('sessions')
    .set({ last_used_at: input.now })
    .where('id', '=', row.id)
    .where('revoked_at', 'is', null)
    .where('absolute_expires_at', '>', input.now)
    .returningAll()
    .executeTakeFirst();
  if (session === undefined) throw SESSION_GONE;
  await trx
    .insertInto('refresh_tokens')
    .values({
      hash: input.successor.hash,
      session_id: row.id,
      created_at: input.now,
      expires_at: input.successor.expiresAt,
    })
    .execute();
  return { status: 'rotated', session: toSession(session), user: userOf(row) };
}

async function revokeForReuse(trx: Trx, row: Loaded, now: number): Promise<RotateResult> {
  // Only the caller whose write revokes the session reports 'reused', so theft is audited once.
  const session = await trx
    .updateTable('sessions')
    .set({ revoked_at: now, revoked_reason: REUSE_REASON })
    .where('id', '=', row.id)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  return session === undefined
    ? { status: 'invalid', reason: 'session-revoked' }
    : { status: 'reused', session: toSession(session) };
}

async function rotateIn(trx: Trx, input: RotateRefreshTokenInput): Promise<RotateResult> {
  let row = await loadToken(trx, input.hash);
  let verdict = judge(row, input);
  if (verdict === 'claim' && row !== undefined) {
    if (await claim(trx, input)) return finishRotation(trx, row, input);
    // Lost to a concurrent rotation (PostgreSQL, READ COMMITTED): this new read sees the winner.
    row = await loadToken(trx, input.hash);
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
      return revokeForReuse(trx, row, input.now);
    case 'claim':
      // Unreachable: a failed claim means used_at was set, and nobody clears it.
      return { status: 'invalid', reason: 'unknown' };
    default:
      return { status: 'invalid', reason: verdict };
  }
}

/**
 * The SQL rotation: one transaction (IMMEDIATE in SQLite) of one read and at most three writes.
 * Exclusivity comes from the conditional `UPDATE ... WHERE used_at IS NULL`, which holds in
 * PostgreSQL under READ COMMITTED and in SQLite across processes.
 *
 * @example
 * const result = await rotateRefreshToken(db, { hash, successor: { hash: h2, sealed, expiresAt }, now, graceMs: 30_000 });
 */
export async function rotateRefreshToken(
  db: Kysely<Database>,
  input: RotateRefreshTokenInput,
): Promise<RotateResult> {
  try {
    return await db.transaction().execute((trx) => rotateIn(trx, input));
  } catch (error) {
    if (error === SESSION_GONE) return { status: 'invalid', reason: 'session-revoked' };
    throw error;
  }
}
