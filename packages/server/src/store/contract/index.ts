import type { AuditStore } from './audit.js';
import type { ClientStore } from './clients.js';
import type { SigningKeyStore } from './keys.js';
import type { MetaStore } from './meta.js';
import type { RateLimitStore } from './rate-limits.js';
import type { RevocationSignal, RevocationStore } from './revocations.js';
import type { SessionStore } from './sessions.js';
import type { TokenIdStore } from './token-ids.js';
import type { UserStore } from './users.js';

export type * from './audit.js';
export type * from './clients.js';
export type * from './keys.js';
export type * from './meta.js';
export type * from './rate-limits.js';
export type * from './revocations.js';
export type * from './rotation.js';
export type * from './session-index.js';
export type * from './sessions.js';
export { REUSE_REASON, refreshHash, refreshHashParts } from './sessions.js';
export type * from './token-ids.js';
export type * from './users.js';
export { normalizeEmail } from './users.js';

/**
 * The whole storage contract: one small interface per capability, so each service takes only
 * what it uses. A store is ready when its factory resolves (schema migrated) and every time is
 * passed in by the caller: stores never read the clock.
 *
 * @example
 * const store: Store = await createSqlStore({ dialect: 'sqlite', filename: 'data/tessera.db' });
 * const sessions = new SessionService({ sessions: store.sessions, users: store.users });
 * await store.close();
 */
export interface Store {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly revocations: RevocationStore;
  readonly keys: SigningKeyStore;
  readonly audit: AuditStore;
  readonly rateLimits: RateLimitStore;
  readonly meta: MetaStore;
  /** Registered OAuth clients. */
  readonly clients: ClientStore;
  /** Used client-assertion ids and revoked access-token ids, each until its deadline. */
  readonly tokenIds: TokenIdStore;
  /** Announcements of new revocation entries between the instances on this store. */
  readonly revocationSignal: RevocationSignal;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}
