import { type Static, Type as T, type TSchema } from '@sinclair/typebox';
import { DEFAULT_ARGON2 } from '../service/passwords.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Schema options Tessera adds to JSON Schema: `sensitive` values are never printed (the README
 * table shows no default), `errorMessage` replaces the validator's wording for that key, and
 * `defaultText` documents a default that is computed rather than fixed.
 */
interface Extra {
  sensitive?: boolean;
  errorMessage?: string;
  defaultText?: string;
}

const rateLimit = (max: number, windowMs: number, description: string) =>
  T.Object(
    {
      max: T.Integer({ minimum: 1, maximum: 1_000_000, description: `${description}: requests per window` }),
      windowMs: T.Integer({
        minimum: SECOND,
        maximum: DAY,
        description: `${description}: window length (ms)`,
      }),
    },
    { additionalProperties: false, default: { max, windowMs }, description },
  );

/** A limit whose attempts past `max` are spaced out (1 s, 2 s, 4 s … after the window opened) rather than refused. */
const progressive = (max: number, windowMs: number, description: string) =>
  T.Object(
    {
      max: T.Integer({
        minimum: 1,
        maximum: 1_000_000,
        description: `${description}: attempts per window before each next waits twice as long`,
      }),
      windowMs: T.Integer({
        minimum: SECOND,
        maximum: DAY,
        description: `${description}: window length (ms)`,
      }),
    },
    { additionalProperties: false, default: { max, windowMs }, description },
  );

const ALGS = [
  'EdDSA',
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'HS256',
  'HS384',
  'HS512',
] as const;

/** The asymmetric algorithms a DPoP proof may use (RFC 9449 §4.2: never a MAC, never none). */
const DPOP_ALGS = ALGS.filter((alg) => !alg.startsWith('HS'));

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const opt = <S extends TSchema>(schema: S) => T.Optional(schema);

/**
 * The whole configuration of the auth server, defined once: the TypeScript type, the defaults,
 * the environment variables (`TESSERA_` + the key path in upper snake case, e.g.
 * `rateLimits.loginPerIp.max` → `TESSERA_RATE_LIMITS_LOGIN_PER_IP_MAX`), the validation and the
 * README table all come from it. Unknown keys are refused at every level.
 *
 * @example
 * import { Value } from '@sinclair/typebox/value';
 * Value.Check(CONFIG_SCHEMA, loadConfig({}, {})); // true
 */
export const CONFIG_SCHEMA = T.Object(
  {
    host: T.String({
      minLength: 1,
      maxLength: 255,
      default: '127.0.0.1',
      description: 'address to listen on',
    }),
    port: T.Integer({
      minimum: 0,
      maximum: 65535,
      default: 3000,
      description: 'port to listen on (0: any free one)',
    }),
    dataDir: T.String({
      minLength: 1,
      default: './data',
      description: 'directory of the SQLite database and the generated key-encryption key',
    }),
    databaseUrl: opt(
      T.String({
        pattern: '^postgres(ql)?://',
        sensitive: true,
        errorMessage: 'must be a postgres:// URL',
        defaultText: 'unset: SQLite `<dataDir>/tessera.db`',
        description: 'PostgreSQL connection URL instead of the embedded SQLite file',
      } satisfies Extra & Record<string, unknown>),
    ),
    redisUrl: opt(
      T.String({
        pattern: '^rediss?://',
        sensitive: true,
        errorMessage: 'must be a redis:// or rediss:// URL',
        defaultText: 'unset: sessions and revocations stay in the SQL store',
        description:
          'Redis for sessions, refresh tokens, revocations and rate limits (users, keys and audit stay in SQL); AOF required',
      } satisfies Extra & Record<string, unknown>),
    ),
    redisClusterNodes: opt(
      T.Array(
        T.String({
          pattern: '^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):[0-9]{1,5}$',
          errorMessage: 'must be host:port',
        }),
        {
          minItems: 1,
          maxItems: 100,
          defaultText: 'unset',
          description:
            'the same as redisUrl, on a Redis Cluster: some of its nodes as host:port (comma-separated in the environment)',
        } satisfies Extra & Record<string, unknown>,
      ),
    ),
    redisAllowVolatile: T.Boolean({
      default: false,
      description:
        'start even when Redis has `appendonly` off (a Redis restart then loses every session and revocation; warned on every start)',
    }),
    issuer: T.String({
      default: '',
      defaultText: '`http://<host>:<port>`',
      description: 'the `iss` of every token: a URL',
    }),
    audience: T.String({
      minLength: 1,
      maxLength: 255,
      default: 'tessera',
      description: 'the `aud` of access tokens',
    }),
    signingAlg: T.Union(
      ALGS.map((alg) => T.Literal(alg)),
      {
        default: 'EdDSA',
        errorMessage: `must be one of ${ALGS.join(', ')}`,
        description: 'algorithm of new signing keys',
      },
    ),
    accessTokenTtlSeconds: T.Integer({
      minimum: 1,
      maximum: 3600,
      default: 600,
      description: 'access-token lifetime, seconds',
    }),
    refreshIdleMs: T.Integer({
      minimum: MINUTE,
      default: 14 * DAY,
      description: 'a refresh token unused this long dies (ms; at most refreshAbsoluteMs)',
    }),
    refreshAbsoluteMs: T.Integer({
      minimum: MINUTE,
      maximum: 365 * DAY,
      default: 30 * DAY,
      description: 'no refresh token of a session lives past this, however often it rotates (ms)',
    }),
    refreshGraceMs: T.Integer({
      minimum: 0,
      maximum: 5 * MINUTE,
      default: 30 * SECOND,
      description:
        'a retry with a just-rotated refresh token within this window gets the same successor (ms)',
    }),
    keyRotationIntervalMs: T.Integer({
      minimum: DAY,
      default: 30 * DAY,
      description: 'how often the signing key rotates (ms)',
    }),
    jwksMaxAgeSeconds: T.Integer({
      minimum: 0,
      maximum: DAY / SECOND,
      default: 300,
      description:
        'JWKS `Cache-Control: max-age`; the next key is published at least twice this long before use',
    }),
    argon2: T.Object(
      {
        memoryCost: T.Integer({
          minimum: 1024,
          maximum: 4 * 1024 * 1024,
          default: DEFAULT_ARGON2.memoryCost,
          description: 'argon2id memory, KiB',
        }),
        timeCost: T.Integer({
          minimum: 1,
          maximum: 100,
          default: DEFAULT_ARGON2.timeCost,
          description: 'argon2id iterations',
        }),
        parallelism: T.Integer({
          minimum: 1,
          maximum: 64,
          default: DEFAULT_ARGON2.parallelism,
          description: 'argon2id lanes',
        }),
      },
      {
        additionalProperties: false,
        default: {},
        description: 'password hashing cost (the default is OWASP’s minimum)',
      },
    ),
    hashConcurrency: opt(
      T.Integer({
        minimum: 1,
        maximum: 1024,
        defaultText: 'the CPUs this process may use',
        description: 'password hashes running at once',
      }),
    ),
    rateLimits: T.Object(
      {
        loginPerIp: rateLimit(
          30,
          MINUTE,
          'login attempts per client address, any account (skipped with a device token)',
        ),
        loginPerEmailAndIp: progressive(
          5,
          15 * MINUTE,
          'login attempts per account from one address or one device',
        ),
        loginPerEmail: progressive(
          100,
          HOUR,
          'login attempts per account from new addresses without a device token',
        ),
        passwordChangePerUser: rateLimit(
          10,
          15 * MINUTE,
          'current-password checks per user at POST /auth/password',
        ),
        registerPerIp: rateLimit(10, 15 * MINUTE, 'registrations per client address'),
        registerPerEmail: rateLimit(5, 15 * MINUTE, 'registrations per email'),
        refreshPerIp: rateLimit(300, MINUTE, 'refreshes per client address'),
      },
      {
        additionalProperties: false,
        default: {},
        description: 'fixed-window limits, kept in the store (login throttling: docs/security.md H3)',
      },
    ),
    registration: T.Union([T.Literal('open'), T.Literal('closed')], {
      default: 'open',
      errorMessage: 'must be "open" or "closed"',
      description: '`closed`: only admins (HTTP API) and the CLI create accounts',
    }),
    allowedOrigins: T.Array(
      T.String({
        pattern: '^https?://[^/]+$',
        errorMessage: 'must be an origin like https://app.example.com',
      }),
      {
        maxItems: 100,
        default: [],
        description:
          'origins allowed to make cookie-authenticated requests (comma-separated in the environment)',
      },
    ),
    console: T.Boolean({
      default: true,
      description:
        'serve the web console at `/` (sign in, sessions, token inspector, admin pages); `false`: `/` is a 404',
    }),
    insecureCookies: T.Boolean({
      default: false,
      description: 'development only: drop `Secure` from the refresh cookie (needs a loopback host)',
    }),
    demoRoutes: opt(
      T.Boolean({
        defaultText: '`true` on a loopback host, else `false`',
        description: 'serve `/demo/profile` and `DELETE /demo/users/:id`',
      }),
    ),
    trustProxy: T.Union([T.Boolean(), T.Integer({ minimum: 1, maximum: 100 }), T.String({ minLength: 1 })], {
      default: false,
      errorMessage: 'must be true, false, a hop count, or a comma-separated list of proxy addresses/CIDRs',
      description:
        'which proxies may set `X-Forwarded-For`: `true` (any), a hop count, or proxy addresses/CIDRs (as Fastify)',
    }),
    requestTimeoutMs: T.Integer({
      minimum: 100,
      maximum: 10 * MINUTE,
      default: 10 * SECOND,
      description:
        'a request, headers and body, must arrive within this; a slower client gets 408 and is disconnected (ms)',
    }),
    headersTimeoutMs: T.Integer({
      minimum: 100,
      maximum: 10 * MINUTE,
      default: 5 * SECOND,
      description: 'the request headers must arrive within this (ms; requestTimeoutMs if that is shorter)',
    }),
    keepAliveTimeoutMs: T.Integer({
      minimum: 100,
      maximum: 10 * MINUTE,
      default: 5 * SECOND,
      description:
        'an idle keep-alive connection is closed after this (ms; behind a load balancer, above its idle timeout)',
    }),
    maxConnections: T.Integer({
      minimum: 1,
      maximum: 1_000_000,
      default: 10_000,
      description: 'open connections at most; further ones are closed at once (keep it below `ulimit -n`)',
    }),
    maxEventLoopDelayMs: T.Integer({
      minimum: 0,
      maximum: MINUTE,
      default: SECOND,
      description:
        'while the mean event-loop delay is above this, answer 503 with Retry-After instead of queueing (ms; 0: off)',
    }),
    metricsPort: opt(
      T.Integer({
        minimum: 0,
        maximum: 65535,
        defaultText: 'unset: `/metrics` is not served',
        description: 'serve Prometheus `/metrics` on a listener of its own on this port (0: any free one)',
      } satisfies Extra & Record<string, unknown>),
    ),
    metricsHost: T.String({
      minLength: 1,
      maxLength: 255,
      default: '127.0.0.1',
      description: 'address of the `/metrics` listener',
    }),
    revocationStreamMaxClients: T.Integer({
      minimum: 1,
      maximum: 100_000,
      default: 1000,
      description:
        '`/auth/revocations/stream` (Server-Sent Events) connections at most; further ones get 503 and poll',
    }),
    revocationStreamHeartbeatMs: T.Integer({
      minimum: SECOND,
      maximum: 5 * MINUTE,
      default: 15 * SECOND,
      description:
        'a comment line on every revocation stream this often, so proxies keep it open and guards notice a dead one (ms)',
    }),
    revocationFeedSecret: opt(
      T.String({
        minLength: 32,
        maxLength: 512,
        pattern: '^[A-Za-z0-9._~+/-]+=*$',
        sensitive: true,
        errorMessage:
          'must be at least 32 characters of A-Z a-z 0-9 - . _ ~ + / (e.g. openssl rand -base64 32)',
        defaultText: 'unset: the feed is public',
        description:
          "`/auth/revocations` then requires `Authorization: Bearer <secret>` (the guard's `revocations.secret`)",
      } satisfies Extra & Record<string, unknown>),
    ),
    dpop: T.Object(
      {
        nonce: T.Boolean({
          default: false,
          description:
            'require a server nonce in DPoP proofs (`DPoP-Nonce`, `use_dpop_nonce`); nonces are stateless, every instance accepts them',
        }),
        iatWindowSeconds: T.Integer({
          minimum: 5,
          maximum: 600,
          default: 60,
          description:
            'how old a DPoP proof may be (against its `iat`), seconds; its `jti` is remembered as long',
        }),
        algorithms: T.Array(
          T.Union(
            DPOP_ALGS.map((alg) => T.Literal(alg)),
            { errorMessage: `must be one of ${DPOP_ALGS.join(', ')}` },
          ),
          {
            minItems: 1,
            maxItems: DPOP_ALGS.length,
            uniqueItems: true,
            default: ['ES256', 'EdDSA', 'PS256', 'RS256'],
            description:
              'algorithms accepted for DPoP proofs (asymmetric only; comma-separated in the environment)',
          },
        ),
      },
      {
        additionalProperties: false,
        default: {},
        description: 'DPoP (RFC 9449) at /oauth/token, /auth/login, /auth/refresh and the Bearer routes',
      },
    ),
    logLevel: T.Union(
      LOG_LEVELS.map((level) => T.Literal(level)),
      { default: 'info', errorMessage: `must be one of ${LOG_LEVELS.join(', ')}`, description: 'log level' },
    ),
    kek: opt(
      T.String({
        minLength: 1,
        sensitive: true,
        defaultText: 'generated in `<dataDir>/kek.key`',
        description:
          'key-encryption key of the private signing keys: 32 bytes as base64url, base64 or hex; the same on every instance',
      }),
    ),
  },
  { additionalProperties: false },
);

type Schema = Static<typeof CONFIG_SCHEMA>;

/** Everything the server can be told, after defaults; durations in ms unless the name says seconds. */
export type TesseraConfig = Omit<Schema, 'demoRoutes'> & {
  /** Resolved from the host when not set. */
  demoRoutes: boolean;
};

/** One fixed-window limit. */
export type RateLimit = TesseraConfig['rateLimits']['loginPerIp'];

type DeepPartial<V> = V extends readonly unknown[]
  ? V
  : V extends object
    ? { [K in keyof V]?: DeepPartial<V[K]> }
    : V;

/** Options as the CLI or a program passes them; every one is optional, nested ones too. */
export type ConfigOverrides = DeepPartial<Schema> & {
  /** A JSON config file; its values sit between the defaults and the environment. */
  configFile?: string | undefined;
};
