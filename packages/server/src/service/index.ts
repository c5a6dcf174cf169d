import type { TesseraConfig } from '../config.js';
import type { Store } from '../store/index.js';
import { Accounts } from './accounts.js';
import { Clients } from './clients.js';
import { type Clock, systemClock } from './clock.js';
import { type ServiceEvents, silentEvents } from './events.js';
import { OAuth } from './oauth.js';
import { PasswordHasher } from './passwords.js';
import { Revocations } from './revocations.js';
import { Sessions } from './sessions.js';
import { SigningKeys } from './signing-keys.js';
import { AccessTokens } from './tokens.js';

export type {
  ChangePasswordResult,
  RegisterResult,
  RequestMeta,
  SelfRegisterResult,
  UpdateUserResult,
} from './accounts.js';
export { Accounts, isEmail, publicUser } from './accounts.js';
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
export { type ServiceEvents, silentEvents } from './events.js';
export { loadKek } from './kek.js';
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
export { checkPassword, PasswordHasher } from './passwords.js';
export { Revocations } from './revocations.js';
export type { AuthenticateResult, LoginResult, RefreshResult, SessionPolicy, TokenPair } from './sessions.js';
export { Sessions } from './sessions.js';
export { SigningKeys } from './signing-keys.js';
export {
  type AccessTokenClaims,
  AccessTokens,
  type ClientAccessTokenClaims,
  FIRST_PARTY_CLIENT_ID,
  type VerifiedAccessToken,
} from './tokens.js';

/** Clock skew allowed for when a revocation entry or a retired key can go. */
const SKEW_SECONDS = 60;

/** The whole service layer, wired. */
export interface TesseraService {
  readonly config: TesseraConfig;
  readonly store: Store;
  readonly clock: Clock;
  readonly accounts: Accounts;
  readonly sessions: Sessions;
  readonly revocations: Revocations;
  readonly keys: SigningKeys;
  readonly tokens: AccessTokens;
  readonly hasher: PasswordHasher;
  /** Registered OAuth clients: add, list, rotate secrets, remove. */
  readonly clients: Clients;
  /** The OAuth token, revocation and introspection endpoints' logic. */
  readonly oauth: OAuth;
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
  const keys = new SigningKeys(store.keys, kek, clock, {
    alg: config.signingAlg,
    rotationIntervalMs: config.keyRotationIntervalMs,
    // Published well before use: at least two JWKS max-ages, and at least an hour.
    prepublishMs: Math.max(2 * config.jwksMaxAgeSeconds * 1000, 3600_000),
    retireAfterMs: (config.accessTokenTtlSeconds + SKEW_SECONDS) * 1000,
  });
  const tokens = new AccessTokens(keys, {
    issuer: config.issuer,
    audience: config.audience,
    ttlSeconds: config.accessTokenTtlSeconds,
  });
  const revocations = new Revocations(
    store.revocations,
    store.sessions,
    events,
    config.accessTokenTtlSeconds + SKEW_SECONDS,
  );
  const accounts = new Accounts(store, hasher, revocations, clock, { registration: config.registration });
  const sessions = new Sessions(store, hasher, tokens, revocations, events, clock, {
    refreshIdleMs: config.refreshIdleMs,
    refreshAbsoluteMs: config.refreshAbsoluteMs,
    refreshGraceMs: config.refreshGraceMs,
  });
  const clients = new Clients(store, clock);
  const oauth = new OAuth(store, tokens, sessions, revocations, events, clock, config.issuer);
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
      task().catch((err) => process.emitWarning(`tessera maintenance failed: ${(err as Error).message}`));
    }, ms);
    timer.unref();
    timers.push(timer);
  };

  return {
    config,
    store,
    clock,
    accounts,
    sessions,
    revocations,
    keys,
    tokens,
    hasher,
    clients,
    oauth,
    maintain,
    async start() {
      await keys.load();
      await keys.maintain();
      // Keys written by another instance or by `tessera keys rotate` are picked up within seconds.
      every(10_000, () => keys.load());
      every(60_000, maintain);
    },
    stop() {
      for (const timer of timers.splice(0)) clearInterval(timer);
    },
  };
}
