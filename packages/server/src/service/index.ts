import type { TesseraConfig } from '../config.js';
import type { RateLimitStore, Store } from '../store/index.js';
import { warn } from '../warnings.js';
import { Accounts } from './accounts.js';
import { AuditLog } from './audit.js';
import { Clients } from './clients.js';
import { type Clock, systemClock } from './clock.js';
import { DeviceTokens } from './device-tokens.js';
import { DpopProofs } from './dpop.js';
import { type ServiceEvents, silentEvents } from './events.js';
import { LoginThrottle } from './login-throttle.js';
import { OAuth } from './oauth.js';
import { PasswordHasher } from './passwords.js';
import { Revocations } from './revocations.js';
import { Sessions } from './sessions.js';
import { SigningKeys } from './signing-keys.js';
import { AccessTokens } from './tokens.js';
import { Users } from './users.js';

export type {
  ChangePasswordResult,
  DeleteUserResult,
  RegisterResult,
  RequestMeta,
  SelfRegisterResult,
  SetPasswordResult,
  UpdateUserResult,
} from './accounts.js';
export { Accounts, publicUser } from './accounts.js';
export { type Actor, type AuditEntry, AuditLog } from './audit.js';
export type {
  AuthenticatedClient,
  ClientAuthFailure,
  ClientAuthResult,
  ClientCredentials,
} from './client-auth.js';
export type {
  AddClientResult,
  ClientActor,
  ClientGrantType,
  ClientProblem,
  NewClientInput,
  RotateSecretResult,
} from './clients.js';
export {
  CLIENT_AUTH_METHODS,
  CLIENT_GRANT_TYPES,
  Clients,
  describeClientProblem,
  parseScope,
  publicClient,
} from './clients.js';
export { type Clock, FrozenClock, systemClock, toEpochSeconds } from './clock.js';
export { DEVICE_TOKEN_TTL_MS, DeviceTokens } from './device-tokens.js';
export {
  type DpopCheck,
  type DpopErrorCode,
  type DpopPolicy,
  DpopProofs,
  type DpopRequest,
} from './dpop.js';
export { isEmail } from './email-address.js';
export { type ServiceEvents, silentEvents } from './events.js';
export { loadKek } from './kek.js';
export { activeKeyIndex, type KeyState, keyStates, revocationStep, revokedSchedule } from './key-states.js';
export { ADMIN_ROLE, isActiveAdmin } from './last-admin.js';
export {
  type LoginAdmission,
  type LoginAttempt,
  LoginThrottle,
  type LoginThrottlePolicy,
  type LoginTicket,
} from './login-throttle.js';
export {
  type IssuedTokens,
  OAUTH_PATHS,
  OAuth,
  type OAuthEndpoint,
  type OAuthErrorCode,
  type OAuthFailure,
  type RevokeResult,
  type TokenRequest,
  type TokenResult,
} from './oauth.js';
export type { Introspection } from './oauth-introspect.js';
export {
  checkNewPassword,
  checkPassword,
  describePasswordProblem,
  PasswordHasher,
  type PasswordProblem,
} from './passwords.js';
export { RevocationCutoffs } from './revocation-cutoffs.js';
export type {
  RevocationStreamHandle,
  RevocationStreamSink,
  RevocationStreams,
} from './revocation-streams.js';
export { type FeedEntry, type RevocationPush, Revocations, toFeedEntry } from './revocations.js';
export type { AuthenticateResult, LoginResult, RefreshResult, SessionPolicy, TokenPair } from './sessions.js';
export { Sessions } from './sessions.js';
export { type RevokeKeyResult, type SigningKeyStatus, SigningKeys } from './signing-keys.js';
export {
  type AccessTokenClaims,
  AccessTokens,
  type ClientAccessTokenClaims,
  FIRST_PARTY_CLIENT_ID,
  type VerifiedAccessToken,
} from './tokens.js';
export { publicSession, publicUserDetails, type UserDetails, Users } from './users.js';

/** Clock skew allowed for when a revocation entry or a retired key can go. */
const SKEW_SECONDS = 60;
/** How often the in-memory revocation cutoffs catch up with other instances' entries. */
const CUTOFF_SYNC_MS = 1000;

/**
 * The whole service layer, wired. Routes and CLI commands go through it, never to the store:
 * each operation writes its audit row wherever it is called from.
 */
export interface TesseraService {
  readonly config: TesseraConfig;
  readonly clock: Clock;
  /** Changes to accounts: register, password, roles, block, delete. */
  readonly accounts: Accounts;
  /** Reading accounts: lookups, pages, counts. */
  readonly users: Users;
  /** The audit log: operations write it; admins page through it. */
  readonly audit: AuditLog;
  /** The persisted counters behind the HTTP rate limits. */
  readonly rateLimits: Pick<RateLimitStore, 'hit'>;
  readonly sessions: Sessions;
  readonly revocations: Revocations;
  readonly keys: SigningKeys;
  readonly tokens: AccessTokens;
  readonly hasher: PasswordHasher;
  /** Login limits per address, per (account, address or device) and per account; see LoginThrottle. */
  readonly loginThrottle: LoginThrottle;
  /** Resolves when the store answers; rejects otherwise (for `/healthz`). */
  health(): Promise<void>;
  /** Registered OAuth clients: add, list, rotate secrets, remove. */
  readonly clients: Clients;
  /** The OAuth token, revocation and introspection endpoints' logic. */
  readonly oauth: OAuth;
  /** DPoP proofs (RFC 9449): checks, replay memory and nonces. */
  readonly dpop: DpopProofs;
  /** Runs the key schedule and cleanup once (also done on a timer by `start`). */
  maintain(): Promise<void>;
  /** Loads keys, creates the first one if needed, and starts the background timers. */
  start(): Promise<void>;
  /** Stops the timers (the store is closed by its owner). */
  stop(): void;
}

/**
 * Wires the service layer over a store.
 *
 * @example
 * const store = await createSqlStore({ dialect: 'sqlite', filename: 'data/tessera.db' });
 * const service = createTesseraService({ config: loadConfig(), store, kek: await loadKek({ dataDir: 'data' }) });
 * await service.start();
 */
export function createTesseraService(opts: {
  config: TesseraConfig;
  store: Store;
  kek: Buffer;
  clock?: Clock;
  events?: ServiceEvents;
}): TesseraService {
  const { config, store, kek } = opts;
  const clock = opts.clock ?? systemClock;
  const events = opts.events ?? silentEvents;
  const hasher = new PasswordHasher(config.argon2, config.hashConcurrency);
  const audit = new AuditLog(store.audit, clock);
  const revocations = new Revocations(
    store.revocations,
    store.sessions,
    events,
    config.accessTokenTtlSeconds + SKEW_SECONDS,
    () => clock.now(),
    audit,
    { signal: store.revocationSignal, maxStreams: config.revocationStreamMaxClients },
  );
  const keys = new SigningKeys(
    store.keys,
    kek,
    clock,
    {
      alg: config.signingAlg,
      rotationIntervalMs: config.keyRotationIntervalMs,
      // Published well before use: at least two JWKS max-ages, and at least an hour.
      prepublishMs: Math.max(2 * config.jwksMaxAgeSeconds * 1000, 3600_000),
      retireAfterMs: (config.accessTokenTtlSeconds + SKEW_SECONDS) * 1000,
    },
    audit,
    revocations,
  );
  const tokens = new AccessTokens(keys, {
    issuer: config.issuer,
    audience: config.audience,
    ttlSeconds: config.accessTokenTtlSeconds,
  });
  const accounts = new Accounts(store, hasher, revocations, clock, audit, {
    registration: config.registration,
  });
  const sessions = new Sessions(store, hasher, tokens, revocations, events, clock, audit, {
    refreshIdleMs: config.refreshIdleMs,
    refreshAbsoluteMs: config.refreshAbsoluteMs,
    refreshGraceMs: config.refreshGraceMs,
  });
  const loginThrottle = new LoginThrottle(store.rateLimits, new DeviceTokens(kek), clock, {
    perIp: config.rateLimits.loginPerIp,
    perAccountAndIp: config.rateLimits.loginPerEmailAndIp,
    perAccount: config.rateLimits.loginPerEmail,
  });
  const clients = new Clients(store, clock, audit, revocations);
  const oauth = new OAuth(store, tokens, sessions, revocations, events, clock, audit, config.issuer);
  const timers: NodeJS.Timeout[] = [];

  const maintain = async () => {
    await keys.load();
    await keys.maintain();
    const now = clock.now();
    await store.revocations.purge(now);
    await store.sessions.purgeExpired(now);
    await store.rateLimits.purge(now);
    await store.tokenIds.purge(now);
  };
  const every = (ms: number, task: () => Promise<unknown>) => {
    const timer = setInterval(() => {
      task().catch((err) =>
        warn('TESSERA_MAINTENANCE_FAILED', `tessera maintenance failed: ${(err as Error).message}`),
      );
    }, ms);
    timer.unref();
    timers.push(timer);
  };

  return {
    config,
    clock,
    accounts,
    users: new Users(store, clock),
    audit,
    rateLimits: store.rateLimits,
    sessions,
    revocations,
    keys,
    tokens,
    hasher,
    loginThrottle,
    async health() {
      await store.meta.get('health');
    },
    clients,
    oauth,
    dpop: new DpopProofs(store, kek, clock, config.dpop, config.issuer),
    maintain,
    async start() {
      await keys.load();
      await keys.maintain();
      // Keys written by another instance or by `tessera keys rotate` are picked up within seconds.
      every(10_000, () => keys.load());
      // User, global and key cutoffs written by another instance reach this one's read paths
      // within a second (write paths and token issuance always catch up first); a key revoked
      // elsewhere leaves this instance's JWKS and signing at the same time. Announcements from
      // the other instances (Redis pub/sub, PostgreSQL NOTIFY) make it at once; the timer covers
      // the ones lost while a connection was down.
      const followKeys = () => keys.reloadIfRevoked();
      await revocations.cutoffs.sync();
      await followKeys();
      revocations.listen(followKeys);
      every(CUTOFF_SYNC_MS, async () => {
        await revocations.catchUp();
        await followKeys();
      });
      every(60_000, maintain);
    },
    stop() {
      for (const timer of timers.splice(0)) clearInterval(timer);
      revocations.stopListening();
    },
  };
}
