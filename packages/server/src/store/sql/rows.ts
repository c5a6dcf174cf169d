import type { Kysely, Selectable } from 'kysely';
import type { RefreshTokenRecord, Session } from '../contract/sessions.js';
import type { User } from '../contract/users.js';
import { StoreError } from '../errors.js';
import type { Database, RefreshTokensTable, SessionsTable, SqlDialectName, UsersTable } from './schema.js';

/** What every SQL capability works with. */
export interface SqlContext {
  readonly db: Kysely<Database>;
  readonly dialect: SqlDialectName;
  /**
   * SQLite only: a number that changes whenever another connection commits to the file (see
   * `PRAGMA data_version`). Absent where other writers can't be detected this way.
   */
  readonly dataVersion?: (() => number) | undefined;
}

/** Parses a JSON array column; rows are only ever written by us, so a bad value is a corruption. */
export function parseStringArray(text: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new StoreError('ERR_STORE_CORRUPT', 'stored JSON is not an array of strings');
  }
  return value;
}

/** Parses a JSON object column. */
export function parseObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new StoreError('ERR_STORE_CORRUPT', 'stored JSON is not an object');
  }
  return value as Record<string, unknown>;
}

/** Maps a users row. */
export function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    roles: parseStringArray(row.roles),
    permissions: parseStringArray(row.permissions),
    blocked: row.blocked !== 0,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Maps a sessions row. */
export function toSession(row: Selectable<SessionsTable>): Session {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    absoluteExpiresAt: row.absolute_expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
    userAgent: row.user_agent,
    ip: row.ip,
    accessNotBefore: row.access_not_before,
    dpopJkt: row.dpop_jkt ?? null,
  };
}

/** Maps a refresh_tokens row. */
export function toRefreshToken(row: Selectable<RefreshTokensTable>): RefreshTokenRecord {
  return {
    hash: row.hash,
    sessionId: row.session_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    successorHash: row.successor_hash,
    successorSealed: row.successor_sealed,
  };
}

/** Kysely reports affected rows as bigint; our counts are small. */
export function affectedRows(n: bigint | undefined): number {
  return Number(n ?? 0n);
}
