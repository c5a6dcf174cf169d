import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Alg, isAlg } from '@tessera/jwt';
import { type Argon2Params, DEFAULT_ARGON2 } from './service/passwords.js';

/** One fixed-window limit. */
export interface RateLimit {
  max: number;
  windowMs: number;
}

/** Everything the server can be told. Durations in ms unless the name says seconds. */
export interface TesseraConfig {
  host: string;
  port: number;
  dataDir: string;
  /** PostgreSQL URL; when unset the embedded SQLite file `<dataDir>/tessera.db` is used. */
  databaseUrl: string | undefined;
  /** The `iss` of every token. Default `http://<host>:<port>`. */
  issuer: string;
  /** The `aud` of access tokens. Default `tessera`. */
  audience: string;
  signingAlg: Alg;
  accessTokenTtlSeconds: number;
  refreshIdleMs: number;
  refreshAbsoluteMs: number;
  refreshGraceMs: number;
  keyRotationIntervalMs: number;
  /** `Cache-Control: max-age` of the JWKS, seconds; the next key is published at least this long before use. */
  jwksMaxAgeSeconds: number;
  argon2: Argon2Params;
  /** Concurrent argon2 hashes; default: the CPUs this process may use. */
  hashConcurrency: number | undefined;
  rateLimits: {
    loginPerIp: RateLimit;
    loginPerEmail: RateLimit;
    registerPerIp: RateLimit;
    registerPerEmail: RateLimit;
    refreshPerIp: RateLimit;
  };
  /** Origins allowed to make cookie-authenticated requests (browser mode). */
  allowedOrigins: string[];
  /** Development only: drop `Secure` from the refresh cookie, allowed only when listening on localhost. */
  insecureCookies: boolean;
  /** Serve `/demo/*` routes. */
  demoRoutes: boolean;
  /** Trust X-Forwarded-For (behind a proxy). */
  trustProxy: boolean;
  logLevel: string;
  /** Encryption key for private signing keys (TESSERA_KEK); otherwise `<dataDir>/kek.key`. */
  kek: string | undefined;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The defaults: `tessera serve` with no configuration at all. */
export function defaultConfig(): TesseraConfig {
  return {
    host: '127.0.0.1',
    port: 3000,
    dataDir: './data',
    databaseUrl: undefined,
    issuer: '',
    audience: 'tessera',
    signingAlg: 'EdDSA',
    accessTokenTtlSeconds: 600,
    refreshIdleMs: 14 * DAY,
    refreshAbsoluteMs: 30 * DAY,
    refreshGraceMs: 30_000,
    keyRotationIntervalMs: 30 * DAY,
    jwksMaxAgeSeconds: 300,
    argon2: { ...DEFAULT_ARGON2 },
    hashConcurrency: undefined,
    rateLimits: {
      loginPerIp: { max: 30, windowMs: MINUTE },
      loginPerEmail: { max: 10, windowMs: 15 * MINUTE },
      registerPerIp: { max: 10, windowMs: 15 * MINUTE },
      registerPerEmail: { max: 5, windowMs: 15 * MINUTE },
      refreshPerIp: { max: 300, windowMs: MINUTE },
    },
    allowedOrigins: [],
    insecureCookies: false,
    demoRoutes: true,
    trustProxy: false,
    logLevel: 'info',
    kek: undefined,
  };
}

/** Options as the CLI or a program passes them; every one is optional. */
export type ConfigOverrides = Partial<Omit<TesseraConfig, 'rateLimits' | 'argon2'>> & {
  rateLimits?: Partial<TesseraConfig['rateLimits']>;
  argon2?: Partial<Argon2Params>;
  /** A JSON config file; its values sit between the defaults and the environment. */
  configFile?: string | undefined;
};

/**
 * Builds the configuration: defaults, then the JSON config file, then
 * `TESSERA_*` environment variables, then explicit overrides (CLI flags).
 *
 * @example
 * const config = loadConfig({ port: 4000 }, process.env);
 */
export function loadConfig(
  overrides: ConfigOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
): TesseraConfig {
  const configFile = overrides.configFile ?? env.TESSERA_CONFIG;
  const fromFile = configFile ? readConfigFile(configFile) : {};
  const { configFile: _ignored, ...flags } = overrides;
  const base = defaultConfig();
  const merged: TesseraConfig = {
    ...base,
    ...fromFile,
    ...fromEnv(env),
    ...flags,
    rateLimits: { ...base.rateLimits, ...fromFile.rateLimits, ...flags.rateLimits },
    argon2: { ...base.argon2, ...fromFile.argon2, ...flags.argon2 },
  } as TesseraConfig;
  merged.dataDir = resolve(merged.dataDir);
  if (merged.issuer === '') {
    // An IPv6 host needs brackets in a URL: http://[::1]:3000.
    const host = merged.host.includes(':') ? `[${merged.host}]` : merged.host;
    merged.issuer = `http://${host}:${merged.port}`;
  }
  validate(merged);
  return merged;
}

/** Reads the JSON config file. A parse error names the file only: its text may hold a KEK. */
function readConfigFile(path: string): ConfigOverrides {
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text) as ConfigOverrides;
  } catch {
    throw new Error(`invalid configuration: ${path} is not valid JSON`);
  }
}

function fromEnv(env: NodeJS.ProcessEnv): Partial<TesseraConfig> {
  const out: Partial<TesseraConfig> = {};
  const set = <K extends keyof TesseraConfig>(key: K, value: TesseraConfig[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  const num = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : Number(env[name]));
  const bool = (name: string) =>
    env[name] === undefined ? undefined : /^(1|true|yes)$/i.test(env[name] as string);
  set('host', env.TESSERA_HOST || undefined);
  set('port', num('TESSERA_PORT'));
  set('dataDir', env.TESSERA_DATA_DIR || undefined);
  set('databaseUrl', env.TESSERA_DATABASE_URL || undefined);
  set('issuer', env.TESSERA_ISSUER || undefined);
  set('audience', env.TESSERA_AUDIENCE || undefined);
  set('signingAlg', (env.TESSERA_SIGNING_ALG || undefined) as Alg | undefined);
  set('accessTokenTtlSeconds', num('TESSERA_ACCESS_TOKEN_TTL'));
  set(
    'allowedOrigins',
    env.TESSERA_ALLOWED_ORIGINS?.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  );
  set('insecureCookies', bool('TESSERA_INSECURE_COOKIES'));
  set('trustProxy', bool('TESSERA_TRUST_PROXY'));
  set('logLevel', env.TESSERA_LOG_LEVEL || undefined);
  set('kek', env.TESSERA_KEK || undefined);
  return out;
}

function validate(config: TesseraConfig): void {
  const fail = (message: string): never => {
    throw new Error(`invalid configuration: ${message}`);
  };
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) fail('port must be 0..65535');
  if (!isAlg(config.signingAlg))
    fail('signingAlg must be one of EdDSA, ES256, RS256, PS256, HS256 (or another JWS alg)');
  if (!(config.accessTokenTtlSeconds > 0 && config.accessTokenTtlSeconds <= 3600)) {
    fail('accessTokenTtlSeconds must be between 1 and 3600');
  }
  if (!(config.refreshIdleMs > 0 && config.refreshIdleMs <= config.refreshAbsoluteMs)) {
    fail('refreshIdleMs must be positive and at most refreshAbsoluteMs');
  }
  if (!(config.refreshGraceMs >= 0 && config.refreshGraceMs <= 5 * MINUTE))
    fail('refreshGraceMs must be 0..300000');
  if (!(config.keyRotationIntervalMs >= DAY)) fail('keyRotationIntervalMs must be at least one day');
  try {
    new URL(config.issuer);
  } catch {
    fail('issuer must be a URL');
  }
  for (const origin of config.allowedOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(origin))
      fail(`allowed origin ${JSON.stringify(origin)} must look like https://app.example.com`);
  }
  if (config.insecureCookies && !isLoopback(config.host)) {
    fail('insecureCookies is a development flag and needs a localhost host');
  }
}

/** True for hosts that only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}
