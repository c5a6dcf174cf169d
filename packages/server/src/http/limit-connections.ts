import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { TesseraConfig } from '../config.js';

type TimeoutConfig = Pick<TesseraConfig, 'requestTimeoutMs' | 'headersTimeoutMs' | 'keepAliveTimeoutMs'>;

/** The Fastify options that bound how long one connection may hold the server. */
export interface ConnectionOptions {
  requestTimeout: number;
  keepAliveTimeout: number;
  http: { headersTimeout: number; connectionsCheckingInterval: number };
}

/**
 * Fastify's timeout options from ours. Node checks request and header
 * deadlines on a timer (every 30 s by default): a slow body would live up to
 * 30 s past its deadline, so the check runs at a quarter of the shortest one
 * (at most every second).
 *
 * @example
 * Fastify({ ...connectionOptions(config) });
 */
export function connectionOptions(config: TimeoutConfig): ConnectionOptions {
  const headersTimeout = Math.min(config.headersTimeoutMs, config.requestTimeoutMs);
  return {
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      headersTimeout,
      connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(headersTimeout / 4))),
    },
  };
}

const DROPPED = 'tessera_http_connections_dropped_total';
/** At most one warning per this long, however many connections are dropped. */
const WARN_EVERY_MS = 60_000;

/**
 * Caps the open connections of the app's server (`maxConnections`): Node
 * closes the ones beyond it at once, before reading a byte, so a flood of
 * connections cannot take every file descriptor the store and the other
 * clients need. Drops are counted in `tessera_http_connections_dropped_total`
 * and logged at most once a minute.
 *
 * @example
 * limitConnections(app, config.maxConnections, metrics.registry);
 */
export function limitConnections(app: FastifyInstance, maxConnections: number, registry?: Registry): void {
  app.server.maxConnections = maxConnections;
  const dropped = registry === undefined ? undefined : droppedCounter(registry);
  let lastWarning = Number.NEGATIVE_INFINITY;
  let since = 0;
  app.server.on('drop', () => {
    dropped?.inc();
    since++;
    const now = Date.now();
    if (now - lastWarning >= WARN_EVERY_MS) {
      warnDropped(app.log, maxConnections, since);
      lastWarning = now;
      since = 0;
    }
  });
}

function warnDropped(log: FastifyBaseLogger, maxConnections: number, count: number): void {
  log.warn({ maxConnections, dropped: count }, 'connection limit reached: new connections are closed');
}

/** One counter per registry, whichever app of it asks first. */
function droppedCounter(registry: Registry): Counter {
  const existing = registry.getSingleMetric(DROPPED);
  if (existing instanceof Counter) return existing;
  return new Counter({
    name: DROPPED,
    help: 'Connections closed on arrival because maxConnections were open',
    registers: [registry],
  });
}
