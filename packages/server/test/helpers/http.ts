// The Fastify app for tests, driven with app.inject(): a service from ./service.js, metrics
// without the process collectors, and optionally every log line captured in memory.
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { createMetrics, type Metrics } from '../../src/http/metrics.js';
import { buildMetricsApp } from '../../src/http/metrics-app.js';
import { openTestService, PASSWORD, type TestService, type TestServiceOptions } from './service.js';

/** Log lines written by the app, kept in memory. */
export class LogCapture {
  readonly lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer | string, _encoding, callback) => {
      this.lines.push(chunk.toString());
      callback();
    },
  });

  get text(): string {
    return this.lines.join('');
  }
}

export interface TestApp extends TestService {
  app: FastifyInstance;
  /** `GET /metrics` (in production on a listener of its own: `metricsPort`). */
  metricsApp: FastifyInstance;
  metrics: Metrics;
  /** Present when the app was opened with `captureLogs: true`. */
  logs: LogCapture | undefined;
  /** Closes app and store, then opens both again on the same file, KEK and clock: a restart. */
  restart(opts?: Omit<TestAppOptions, 'dir' | 'kek' | 'clock'>): Promise<TestApp>;
}

export interface TestAppOptions extends TestServiceOptions {
  /** Log at level trace into a {@link LogCapture}; otherwise the app doesn't log. */
  captureLogs?: boolean;
}

/**
 * Opens a service and the app over it.
 *
 * @example
 * const t = await openTestApp();
 * after(() => t.cleanup());
 * const res = await t.app.inject({ method: 'GET', url: '/healthz' });
 */
export async function openTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const metrics = createMetrics({ defaultMetrics: false });
  // The service reports into these metrics, as openRuntime wires it.
  const base = await openTestService({ ...opts, events: opts.events ?? metrics.events });
  const logs = opts.captureLogs ? new LogCapture() : undefined;
  const app = await buildApp({
    service: base.service,
    metrics,
    logger: logs === undefined ? false : { level: 'trace', stream: logs.stream },
  });
  const metricsApp = await buildMetricsApp({ config: base.service.config, metrics, logger: false });
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await Promise.all([app.close(), metricsApp.close()]);
    }
    await base.close();
  };
  return {
    ...base,
    app,
    metricsApp,
    metrics,
    logs,
    close,
    async cleanup() {
      await close();
      await base.cleanup();
    },
    async restart(more = {}) {
      await close();
      return openTestApp({ ...opts, ...more, dir: base.dir, kek: base.kek, clock: base.clock });
    },
  };
}

/** The JSON body of a response. */
export function json<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return JSON.parse(res.body) as T;
}

/** `{ authorization: 'Bearer …' }`. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** A token response in body mode. */
export interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  session_id: string;
  /** Login only: the device token (H3), sent back as `X-Tessera-Device` at later logins. */
  device_token?: string;
}

/**
 * POST /auth/register; returns the response.
 *
 * @example
 * await register(t.app, 'ada@example.com');
 */
export function register(app: FastifyInstance, email: string, password = PASSWORD) {
  return app.inject({ method: 'POST', url: '/auth/register', payload: { email, password } });
}

/**
 * POST /auth/login in body mode; returns the response.
 *
 * @example
 * const res = await login(t.app, 'ada@example.com');
 */
export function login(
  app: FastifyInstance,
  email: string,
  password = PASSWORD,
  extra: { headers?: Record<string, string>; remoteAddress?: string } = {},
) {
  return app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { email, password },
    ...(extra.headers === undefined ? {} : { headers: extra.headers }),
    ...(extra.remoteAddress === undefined ? {} : { remoteAddress: extra.remoteAddress }),
  });
}

/**
 * Registers (idempotently through the service) and logs in; fails unless the login is a 200.
 *
 * @example
 * const tokens = await signIn(t, 'ada@example.com');
 */
export async function signIn(
  t: TestApp,
  email: string,
  opts: { roles?: string[]; password?: string } = {},
): Promise<TokenBody> {
  const password = opts.password ?? PASSWORD;
  if ((await t.store.users.findByEmail(email)) === null) {
    const created = await t.service.accounts.register(email, password, {
      ...(opts.roles === undefined ? {} : { roles: opts.roles }),
    });
    if (created.status !== 'created') throw new Error(`register ${email}: ${created.status}`);
  }
  const res = await login(t.app, email, password);
  if (res.statusCode !== 200) throw new Error(`login ${email}: ${res.statusCode} ${res.body}`);
  return json<TokenBody>(res);
}

/**
 * POST /auth/refresh in body mode; returns the response.
 *
 * @example
 * const res = await refresh(t.app, tokens.refresh_token);
 */
export function refresh(app: FastifyInstance, refreshToken: string, remoteAddress?: string) {
  return app.inject({
    method: 'POST',
    url: '/auth/refresh',
    payload: { refresh_token: refreshToken },
    ...(remoteAddress === undefined ? {} : { remoteAddress }),
  });
}

/**
 * GET /demo/profile with the token; returns the response.
 *
 * @example
 * assert.equal((await profile(t.app, token)).statusCode, 200);
 */
export function profile(app: FastifyInstance, accessToken: string) {
  return app.inject({ method: 'GET', url: '/demo/profile', headers: bearer(accessToken) });
}

/**
 * The value of a Set-Cookie header's cookie `name`, with its attributes.
 *
 * @example
 * const cookie = setCookie(res, 'tessera_refresh'); // { value, attributes: ['HttpOnly', …] }
 */
export function setCookie(
  res: LightMyRequestResponse,
  name: string,
): { value: string; attributes: string[]; raw: string } | undefined {
  const header = res.headers['set-cookie'];
  const all = header === undefined ? [] : Array.isArray(header) ? header : [header];
  for (const raw of all) {
    const [pair = '', ...attributes] = raw.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq) === name) return { value: pair.slice(eq + 1), attributes, raw };
  }
  return undefined;
}

/** Asserts the OAuth-style error shape and returns it. */
export function errorBody(res: LightMyRequestResponse): { error: string; error_description: string } {
  const body = json(res);
  if (typeof body.error !== 'string' || typeof body.error_description !== 'string') {
    throw new Error(`not an OAuth-style error body: ${res.statusCode} ${res.body}`);
  }
  return body as { error: string; error_description: string };
}
