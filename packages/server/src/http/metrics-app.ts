import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { TesseraConfig } from '../config.js';
import { sendError } from './errors.js';
import { connectionOptions, limitConnections } from './limit-connections.js';
import type { Metrics } from './metrics.js';

/** Options of buildMetricsApp. */
export interface MetricsAppOptions {
  config: TesseraConfig;
  metrics: Metrics;
  /** A pino logger config or `false`, as buildApp's. */
  logger?: boolean | Record<string, unknown>;
}

/** Scrapers are few: a handful of connections is plenty, and a flood cannot grow past it. */
const METRICS_MAX_CONNECTIONS = 64;

/**
 * The Prometheus listener: `GET /metrics` and nothing else, apart from the API
 * so that it can listen on a private address (`metricsHost`, loopback by
 * default) on a port of its own (`metricsPort`). It does not shed load: the
 * numbers are most wanted when the API is overloaded.
 *
 * @example
 * const metricsApp = await buildMetricsApp({ config, metrics });
 * await metricsApp.listen({ port: 9464, host: '127.0.0.1' });
 */
export async function buildMetricsApp(opts: MetricsAppOptions): Promise<FastifyInstance> {
  const { config, metrics } = opts;
  const app = Fastify({
    logger: opts.logger === undefined || opts.logger === true ? { level: config.logLevel } : opts.logger,
    ...connectionOptions(config),
    bodyLimit: 1024,
    // A scrape every few seconds is not worth a log line.
    logController: new LogController({ disableRequestLogging: true }),
  });
  limitConnections(app, Math.min(METRICS_MAX_CONNECTIONS, config.maxConnections));
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, 'not_found', 'no such route'));
  app.get('/metrics', async (_request, reply) =>
    reply
      .header('cache-control', 'no-store')
      .type(metrics.registry.contentType)
      .send(await metrics.registry.metrics()),
  );
  return app;
}
