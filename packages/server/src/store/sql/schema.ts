import type { Generated } from 'kysely';

// Column types are what both drivers hand back: times are epoch-ms integers (int8 parsed to
// number in PostgreSQL), booleans are 0/1 integers and JSON is text, so one row mapper serves both.

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  roles: string;
  permissions: string;
  blocked: number;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: number;
  absolute_expires_at: number;
  last_used_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
  user_agent: string | null;
  ip: string | null;
  access_not_before: number;
  dpop_jkt: string | null;
}

export interface RefreshTokensTable {
  hash: string;
  session_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  successor_hash: string | null;
  successor_sealed: string | null;
}

export interface RevocationsTable {
  cursor: Generated<number>;
  /** 'session' | 'user' | 'all' | 'key' (migration 0002; older rows are 'session'). */
  kind: Generated<string>;
  /** The session id, user id or kid; '' for 'all'. Named session_id before migration 0002. */
  target: string;
  /** Epoch seconds; 0 for 'key' entries, which cover every iat. */
  issued_before: number;
  expires_at: number;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: string;
  private_sealed: string;
  created_at: number;
  activates_at: number;
  retired_at: number | null;
  expires_at: number | null;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: number;
  type: string;
  user_id: string | null;
  session_id: string | null;
  ip: string | null;
  details: string;
}

export interface RateLimitsTable {
  key: string;
  hits: number;
  reset_at: number;
}

export interface MetaTable {
  name: string;
  value: string;
}

export interface OAuthClientsTable {
  id: string;
  name: string;
  auth_method: string;
  secret_hash: string | null;
  jwks: string | null;
  signing_algs: string;
  grant_types: string;
  scopes: string;
  created_at: number;
  updated_at: number;
}

export interface TokenIdsTable {
  kind: string;
  id: string;
  expires_at: number;
}

/** The Kysely database type of the SQL store. */
/** The session index of a store that keeps sessions elsewhere (Redis): ids only. */
export interface SessionIndexTable {
  session_id: string;
  user_id: string;
  created_at: number;
  look_at: number;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  revocations: RevocationsTable;
  signing_keys: SigningKeysTable;
  audit_events: AuditEventsTable;
  rate_limits: RateLimitsTable;
  meta: MetaTable;
  oauth_clients: OAuthClientsTable;
  token_ids: TokenIdsTable;
  session_index: SessionIndexTable;
}

/** Which SQL engine a store runs on; the few dialect differences branch on it. */
export type SqlDialectName = 'sqlite' | 'postgres';
