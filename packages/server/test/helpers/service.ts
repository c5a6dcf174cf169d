// The service layer for tests: a SQLite store in a temporary directory, a frozen clock, small
// argon2 parameters and a configuration that the developer's environment can't reach.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConfigOverrides, loadConfig, type TesseraConfig } from '../../src/config.js';
import {
  createTesseraService,
  FrozenClock,
  type ServiceEvents,
  type TesseraService,
} from '../../src/service/index.js';
import { createSqlStore, type Store } from '../../src/store/index.js';

/** The frozen start of every test: a quarter of a second into a whole second, so same-second cases exist. */
export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0, 250);

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Cheap argon2id parameters for speed; the real defaults are exercised by a few tests only. */
export const FAST_ARGON2 = { memoryCost: 1024, timeCost: 1 } as const;

/** Limits high enough that tests which are not about rate limiting never meet them. */
export const NO_RATE_LIMITS: NonNullable<ConfigOverrides['rateLimits']> = {
  loginPerIp: { max: 100_000, windowMs: MINUTE },
  loginPerEmailAndIp: { max: 100_000, windowMs: MINUTE },
  loginPerEmail: { max: 100_000, windowMs: MINUTE },
  passwordChangePerUser: { max: 100_000, windowMs: MINUTE },
  registerPerIp: { max: 100_000, windowMs: MINUTE },
  registerPerEmail: { max: 100_000, windowMs: MINUTE },
  refreshPerIp: { max: 100_000, windowMs: MINUTE },
};

/** A password that passes every check. */
export const PASSWORD = 'correct horse battery staple';

/**
 * A temporary directory, removed by `cleanup`.
 *
 * @example
 * const dir = await tempDir(); after(() => dir.cleanup());
 */
export async function tempDir(prefix = 'tessera-test-'): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/**
 * A configuration for tests: `loadConfig` with an EMPTY environment, small argon2 parameters,
 * generous rate limits, no load shedding (on a shared machine the event loop of a test process
 * can lag past any threshold; hardening-h01 turns it on), then the given overrides.
 *
 * @example
 * const config = testConfig(dir, { signingAlg: 'ES256' });
 */
export function testConfig(dataDir: string, overrides: ConfigOverrides = {}): TesseraConfig {
  return loadConfig(
    {
      dataDir,
      hashConcurrency: 4,
      maxEventLoopDelayMs: 0,
      ...overrides,
      argon2: { ...FAST_ARGON2, ...overrides.argon2 },
      rateLimits: { ...NO_RATE_LIMITS, ...overrides.rateLimits },
    },
    {},
  );
}

export interface TestServiceOptions {
  /** Config overrides on top of {@link testConfig}. */
  config?: ConfigOverrides;
  clock?: FrozenClock;
  events?: ServiceEvents;
  /** Reuse a directory (and its SQLite file) instead of making a new one. */
  dir?: string;
  /** The key-encryption key; a fresh random one by default (kept across `reopen`). */
  kek?: Buffer;
}

/** A wired service over a SQLite file, with the handles tests need. */
export interface TestService {
  service: TesseraService;
  store: Store;
  clock: FrozenClock;
  config: TesseraConfig;
  kek: Buffer;
  dir: string;
  /** The SQLite file. */
  filename: string;
  /** Closes the store; the directory stays (for `reopen`). */
  close(): Promise<void>;
  /** A new service and store on the same file, KEK and clock: a restart. */
  reopen(opts?: Omit<TestServiceOptions, 'dir' | 'kek' | 'clock'>): Promise<TestService>;
  /** Closes the store and removes the directory. */
  cleanup(): Promise<void>;
}

/**
 * Opens a service over a fresh SQLite file with a frozen clock at {@link T0}. Keys are loaded and
 * the first signing key is made, as `start()` would, but no timers run.
 *
 * @example
 * const t = await openTestService();
 * after(() => t.cleanup());
 * await t.service.accounts.register('ada@example.com', PASSWORD);
 */
export async function openTestService(opts: TestServiceOptions = {}): Promise<TestService> {
  const dir = opts.dir ?? (await tempDir()).path;
  const clock = opts.clock ?? new FrozenClock(T0);
  const kek = opts.kek ?? randomBytes(32);
  const config = testConfig(dir, opts.config);
  const filename = join(dir, 'tessera.db');
  const store = await createSqlStore({ dialect: 'sqlite', filename });
  const service = createTesseraService({
    config,
    store,
    kek,
    clock,
    ...(opts.events === undefined ? {} : { events: opts.events }),
  });
  await service.keys.load();
  await service.keys.maintain();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    service.stop();
    await store.close();
  };
  return {
    service,
    store,
    clock,
    config,
    kek,
    dir,
    filename,
    close,
    reopen: (more = {}) => openTestService({ ...more, dir, kek, clock }),
    async cleanup() {
      await close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Registers a user and returns its id.
 *
 * @example
 * const id = await addUser(t.service, 'ada@example.com', { roles: ['admin'] });
 */
export async function addUser(
  service: TesseraService,
  email: string,
  opts: { password?: string; roles?: string[]; permissions?: string[] } = {},
): Promise<string> {
  const result = await service.accounts.register(email, opts.password ?? PASSWORD, {
    ...(opts.roles === undefined ? {} : { roles: opts.roles }),
    ...(opts.permissions === undefined ? {} : { permissions: opts.permissions }),
  });
  if (result.status !== 'created') throw new Error(`could not register ${email}: ${result.status}`);
  return result.user.id;
}

/**
 * Logs in and returns the token pair, failing the test on any other outcome.
 *
 * @example
 * const { accessToken, refreshToken, sessionId } = await loginOk(t.service, 'ada@example.com');
 */
export async function loginOk(service: TesseraService, email: string, password = PASSWORD) {
  const result = await service.sessions.login(email, password);
  if (result.status !== 'ok') throw new Error(`login of ${email} failed: ${result.status}`);
  return result.tokens;
}

/**
 * The median of some numbers.
 *
 * @example
 * median([3, 1, 2]); // 2
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
