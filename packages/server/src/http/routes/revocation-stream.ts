import type { FastifyInstance } from 'fastify';
import { toFeedEntry } from '../../service/index.js';
import type { RevocationPage } from '../../store/index.js';
import { sendError } from '../errors.js';
import { cursorDigits, queryCursor } from '../query.js';
import type { RouteContext } from './context.js';

/** A client that reads slower than this much is written to is cut off (it resumes by cursor). */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** What a guard waits before reconnecting, unless it knows better (SSE `retry:`). */
const RETRY_MS = 1000;

/** Streams at one cursor are handed the same page (one shared read): serialize it once. */
const frames = new WeakMap<RevocationPage, string>();

function frameOf(page: RevocationPage): string {
  let frame = frames.get(page);
  if (frame === undefined) {
    const data = JSON.stringify({ cursor: page.cursor, revoked: page.revoked.map(toFeedEntry) });
    frame = `id: ${page.cursor}\ndata: ${data}\n\n`;
    frames.set(page, frame);
  }
  return frame;
}

/**
 * `GET /auth/revocations/stream`: the revocation feed as Server-Sent Events. Each event is a
 * page of the polling feed (`data: {"cursor":N,"revoked":[…]}`) whose `id:` is its cursor; a
 * client resumes after `Last-Event-ID` (or `?after=`), getting first the stored entries after
 * it, then one `event: ready` (the replay is complete), then every new entry as it is written on
 * any instance. A comment line every `revocationStreamHeartbeatMs`. The same
 * `revocationFeedSecret` rule as the polling feed applies (route-hooks.ts covers
 * `/auth/revocations/*`); at most `revocationStreamMaxClients` streams (then 503: poll).
 */
export function revocationStreamRoute(app: FastifyInstance, ctx: RouteContext): void {
  const { service } = ctx;
  const { config } = service;
  // Open streams would hold the server's close forever: end them first.
  app.addHook('preClose', async () => service.revocations.streams.closeAll());

  app.get<{ Querystring: { after?: string } }>(
    '/auth/revocations/stream',
    { schema: { querystring: { type: 'object', properties: { after: cursorDigits } } } },
    async (request, reply) => {
      const header = request.headers['last-event-id'];
      const after = queryCursor(typeof header === 'string' ? header.trim() : request.query.after);
      if (after === null || Array.isArray(header)) {
        return sendError(reply, 400, 'invalid_request', 'Last-Event-ID (or after) must be a feed cursor');
      }
      if (service.revocations.streams.full) {
        reply.header('retry-after', '30').header('cache-control', 'no-store');
        return sendError(reply, 503, 'temporarily_unavailable', 'too many revocation streams: poll instead');
      }

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        // Proxies such as nginx buffer responses unless told not to.
        'x-accel-buffering': 'no',
      });
      const write = (text: string) => {
        if (res.destroyed || res.writableEnded) return;
        res.write(text);
        if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
      };
      write(`retry: ${RETRY_MS}\n\n`);

      const handle = service.revocations.openStream(after ?? 0, {
        entries(page) {
          write(frameOf(page));
        },
        end() {
          if (!res.writableEnded) res.end();
        },
      });
      if (handle === null) {
        // Filled up between the check and here: end at once; the guard polls meanwhile.
        res.end();
        return;
      }
      const heartbeat = setInterval(() => write(': keep-alive\n\n'), config.revocationStreamHeartbeatMs);
      heartbeat.unref();
      res.on('close', () => {
        clearInterval(heartbeat);
        handle.close();
      });
      try {
        await handle.replayed;
      } catch (err) {
        request.log.warn({ err: { type: (err as Error).name } }, 'revocation stream replay failed');
        res.destroy();
        return;
      }
      const cursor = handle.cursor;
      write(`event: ready\nid: ${cursor}\ndata: ${JSON.stringify({ cursor, revoked: [] })}\n\n`);
    },
  );
}
