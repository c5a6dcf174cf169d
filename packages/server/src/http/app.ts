import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { RateLimit } from '../config.js';
import type { TesseraService } from '../service/index.js';
import { normalizeEmail } from '../store/index.js';
import { BrowserSessions } from './browser.js';
import { consoleRoutes } from './console.js';
import { allowCors } from './cors.js';
import { sendError } from './errors.js';
import { hardenApp } from './harden-app.js';
import { lazyChildLogger } from './lazy-logger.js';
import { connectionOptions } from './limit-connections.js';
import { loginThrottleHook } from './login-throttle.js';
import type { Metrics } from './metrics.js';
import { BODY_LIMIT, JSON_TOO_DEEP } from './parse-json.js';
import { persistentRateLimitStore } from './rate-limit-store.js';
import { serializeRequest } from './redact-url.js';
import { adminRoutes } from './routes/admin.js';
import { adminClientRoutes } from './routes/admin-clients.js';
import { authAccountRoutes } from './routes/auth-account.js';
import { authTokenRoutes } from './routes/auth-tokens.js';
import type { RouteContext, RouteHook } from './routes/context.js';
import { demoRoutes } from './routes/demo.js';
import { oauthRoutes } from './routes/oauth.js';
import { publicRoutes } from './routes/public.js';

/** Options of buildApp. */
export interface AppOptions {
  service: TesseraService;
  metrics: Metrics;
  /** A pino logger config, `false`, or a ready logger instance (tests pass a stream). */
  logger?: boolean | Record<string, unknown>;
  /** Where the built console is (default: the package's `console-dist`, see CONSOLE_DIR). */
  consoleDir?: string;
}

/** Log paths that could carry secrets; pino replaces them. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-tessera-device"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.current_password',
  '*.new_password',
  '*.refresh_token',
  '*.access_token',
  '*.device_token',
  '*.client_secret',
  '*.client_assertion',
  '*.token',
];

/**
 * Builds the Fastify app of the auth server: JSON schemas on every route,
 * OAuth-style errors (bad input is a 400, never a 500), cookies for browser
 * mode, persisted rate limits, service metrics (served by the metrics app,
 * see buildServers). Hostile traffic is bounded: request, header and
 * keep-alive timeouts, a connection cap, small bodies with a nesting limit,
 * 503 under event-loop pressure; responses are `no-store` unless public.
 *
 * @example
 * const app = await buildApp({ service, metrics: createMetrics() });
 * await app.listen({ port: 3000 });
 */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { service, metrics } = opts;
  const { config } = service;
  const loggerOption =
    opts.logger === undefined || opts.logger === true ? { level: config.logLevel } : opts.logger;
  const app = Fastify({
    logger:
      loggerOption === false
        ? false
        : {
            redact: { paths: REDACT, censor: '[redacted]' },
            serializers: { req: serializeRequest },
            ...loggerOption,
          },
    childLoggerFactory: lazyChildLogger,
    trustProxy: fastifyTrustProxy(config.trustProxy),
    ...connectionOptions(config),
    bodyLimit: BODY_LIMIT,
    ajv: { customOptions: { removeAdditional: true, coerceTypes: false, allErrors: false } },
    // A malformed URL or an over-long path parameter: our error shape, and the path is not echoed.
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode ?? 400;
      if (status >= 500) return sendError(reply, 500, 'server_error', 'internal error');
      return sendError(reply, status, 'invalid_request', 'the URL is malformed');
    },
  });
  app.decorateRequest('principal', null);
  await hardenApp(app, config, metrics.registry);
  await allowCors(app, config.allowedOrigins);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    store: persistentRateLimitStore(service.rateLimits, () => service.clock.now()),
  });

  app.setErrorHandler(
    (error: Error & { statusCode?: number; validation?: unknown; code?: string }, request, reply) => {
      const status = error.statusCode ?? 500;
      if (error.validation !== undefined || (status >= 400 && status < 500)) {
        // Fastify's own messages (schema paths, "Unexpected token") never include input values.
        return sendError(
          reply,
          status === 415 || status === 413 ? status : 400,
          'invalid_request',
          safeMessage(error),
        );
      }
      request.log.error({ err: { type: error.name, code: error.code } }, 'request failed');
      return sendError(reply, 500, 'server_error', 'internal error');
    },
  );
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, 'not_found', 'no such route'));

  const browser = new BrowserSessions(config);
  const ctx: RouteContext = {
    service,
    browser,
    limits: {
      // Per address, per (account, address or device) and per account, with progressive delay
      // and device tokens, so an attacker's failures can't lock the owner out (LoginThrottle).
      login: loginThrottleHook(service.loginThrottle, browser),
      register: limiter(app, [
        ['register:ip', config.rateLimits.registerPerIp, (r) => r.ip],
        ['register:email', config.rateLimits.registerPerEmail, (r) => emailOf(r)],
      ]),
      refresh: limiter(app, [['refresh:ip', config.rateLimits.refreshPerIp, (r) => r.ip]]),
      password: limiter(app, [
        ['password:user', config.rateLimits.passwordChangePerUser, (r) => r.principal?.userId],
      ]),
    },
  };
  authTokenRoutes(app, ctx);
  authAccountRoutes(app, ctx);
  adminRoutes(app, ctx);
  adminClientRoutes(app, ctx);
  oauthRoutes(app, ctx);
  publicRoutes(app, ctx);
  if (config.demoRoutes) demoRoutes(app, ctx);
  if (config.console) consoleRoutes(app, config, opts.consoleDir);
  return app;
}

/**
 * Fastify's trustProxy from ours: a hop count trusts that many proxies nearest to the server (the
 * rightmost X-Forwarded-For entries), as Fastify does for a number; its types only list the others.
 */
function fastifyTrustProxy(
  value: boolean | number | string,
): boolean | string | ((addr: string, hop: number) => boolean) {
  return typeof value === 'number' ? (_addr, hop) => hop < value : value;
}

function emailOf(request: FastifyRequest): string | undefined {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? normalizeEmail(email) : undefined;
}

/**
 * A preHandler that counts the request against every limit (per IP, per
 * email…) and answers 429 with Retry-After when one is exceeded.
 */
function limiter(
  app: FastifyInstance,
  rules: [name: string, limit: RateLimit, key: (request: FastifyRequest) => string | undefined][],
): RouteHook {
  const checks = rules.map(([name, limit, key]) => ({
    name,
    key,
    check: app.createRateLimit({
      max: limit.max,
      timeWindow: limit.windowMs,
      keyGenerator: (r) => `${name}:${key(r)}`,
    }),
  }));
  return async (request: FastifyRequest, reply: FastifyReply) => {
    for (const { key, check } of checks) {
      if (key(request) === undefined) continue;
      const result = await check(request);
      if (!result.isAllowed && result.isExceeded) {
        reply.header('retry-after', String(Math.max(1, result.ttlInSeconds)));
        return sendError(reply, 429, 'too_many_requests', 'too many attempts; retry later');
      }
    }
  };
}

function safeMessage(error: Error & { code?: string; validation?: unknown }): string {
  if (error.validation !== undefined) return error.message.slice(0, 200);
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the body is not valid JSON';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'the body is too large';
    case JSON_TOO_DEEP:
      return 'the body is nested too deeply';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported content type';
    default:
      return 'invalid request';
  }
}
