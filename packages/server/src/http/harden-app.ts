import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { TesseraConfig } from '../config.js';
import { limitConnections } from './limit-connections.js';
import { boundBodies } from './parse-json.js';
import { preventCaching, requireFeedSecret } from './route-hooks.js';
import { shedLoad } from './shed-load.js';

/**
 * What the API app does against hostile traffic and small leaks
 * (docs/security.md, H1–H13), in one place: the connection cap, 503 under
 * event-loop pressure, small bodies with a nesting limit, `no-store`
 * responses, and the revocation feed's secret. The timeouts are Fastify
 * options (connectionOptions) and the URL redaction a log serializer
 * (serializeRequest). Call right after creating the app, before any route.
 *
 * @example
 * const app = Fastify({ ...connectionOptions(config), bodyLimit: BODY_LIMIT });
 * await hardenApp(app, config, metrics.registry);
 */
export async function hardenApp(
  app: FastifyInstance,
  config: TesseraConfig,
  registry: Registry | undefined,
): Promise<void> {
  limitConnections(app, config.maxConnections, registry);
  await shedLoad(app, config.maxEventLoopDelayMs);
  boundBodies(app);
  preventCaching(app);
  requireFeedSecret(app, config.revocationFeedSecret);
}
