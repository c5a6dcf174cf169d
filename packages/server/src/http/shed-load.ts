import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { sendError } from './errors.js';

/** Seconds a client is asked to wait; a load balancer's health check runs about this often. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Answers 503 (`temporarily_unavailable`, Retry-After) at once, before any
 * parsing or store access, while the mean event-loop delay is above
 * `maxEventLoopDelayMs` (`@fastify/under-pressure`): an overloaded server
 * refuses quickly instead of letting every request time out. `/healthz` then
 * answers 503 `{ "status": "overloaded" }`, so a load balancer sends traffic to
 * other instances until this one recovers. The delay is sampled as often as
 * the threshold, at most every second; the first two samples after the app is
 * ready measure its own start (schema compilation…) and are not acted on.
 * 0 turns it off.
 *
 * @example
 * await shedLoad(app, config.maxEventLoopDelayMs);
 */
export async function shedLoad(app: FastifyInstance, maxEventLoopDelayMs: number): Promise<void> {
  if (maxEventLoopDelayMs === 0) return;
  const sampleInterval = Math.min(1000, maxEventLoopDelayMs);
  let shedFrom = Number.POSITIVE_INFINITY;
  app.addHook('onReady', async () => {
    shedFrom = performance.now() + 2 * sampleInterval;
  });
  await app.register(underPressure, {
    maxEventLoopDelay: maxEventLoopDelayMs,
    sampleInterval,
    pressureHandler: (request, reply) => {
      if (performance.now() < shedFrom) return; // the request is handled as usual
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      if (request.routeOptions.url === '/healthz') {
        reply.code(503).header('cache-control', 'no-store').send({ status: 'overloaded' });
      } else {
        sendError(reply, 503, 'temporarily_unavailable', 'the server is overloaded; retry later');
      }
    },
  });
}
