import type { FastifyInstance } from 'fastify';
import { type AppOptions, buildApp } from './app.js';
import { buildMetricsApp } from './metrics-app.js';

/** The API app and, when `metricsPort` is set, the metrics app: built, not yet listening. */
export interface Servers {
  app: FastifyInstance;
  /** Undefined unless `metricsPort` is configured: then `/metrics` is served nowhere. */
  metricsApp: FastifyInstance | undefined;
  /** Listens on `host:port`, and the metrics app on `metricsHost:metricsPort`; resolves to both addresses. */
  listen(): Promise<{ address: string; metricsAddress: string | undefined }>;
  /** Closes both (stops accepting, waits for requests in flight). */
  close(): Promise<void>;
}

/**
 * Builds what `tessera serve` runs: the API ({@link buildApp}) and, on a
 * listener of its own, Prometheus metrics. Keeping `/metrics` off the API port
 * lets it sit on a private address without a secret to hand out.
 *
 * @example
 * const servers = await buildServers({ service, metrics });
 * const { address, metricsAddress } = await servers.listen();
 * // later
 * await servers.close();
 */
export async function buildServers(opts: AppOptions): Promise<Servers> {
  const { config } = opts.service;
  const app = await buildApp(opts);
  const metricsApp =
    config.metricsPort === undefined
      ? undefined
      : await buildMetricsApp({
          config,
          metrics: opts.metrics,
          ...(opts.logger === undefined ? {} : { logger: opts.logger }),
        });
  const close = async () => {
    await Promise.all([app.close(), metricsApp?.close()]);
  };
  return {
    app,
    metricsApp,
    close,
    async listen() {
      try {
        const address = await app.listen({ port: config.port, host: config.host });
        const metricsAddress =
          metricsApp === undefined || config.metricsPort === undefined
            ? undefined
            : await metricsApp.listen({ port: config.metricsPort, host: config.metricsHost });
        return { address, metricsAddress };
      } catch (err) {
        await close();
        throw err;
      }
    },
  };
}
