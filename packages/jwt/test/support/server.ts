import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback HTTP server for remote-JWKS tests: counts requests, handler swappable at any time. */
export interface TestServer {
  readonly url: string;
  /** Requests received so far. */
  readonly hits: number;
  /** Headers of the last request. */
  readonly lastHeaders: IncomingMessage['headers'] | undefined;
  /** Replaces the request handler. */
  handle(handler: Handler): void;
  /** Resolves once `hits` reaches `count`. */
  waitForHits(count: number): Promise<void>;
  /** Stops listening and drops every open connection, even ones left hanging on purpose. */
  close(): Promise<void>;
}

export async function startServer(initial: Handler, path = '/jwks.json'): Promise<TestServer> {
  let handler = initial;
  let hits = 0;
  let lastHeaders: IncomingMessage['headers'] | undefined;
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    hits++;
    lastHeaders = req.headers;
    for (const w of waiters.filter((x) => hits >= x.count)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    get hits() {
      return hits;
    },
    get lastHeaders() {
      return lastHeaders;
    },
    handle(next) {
      handler = next;
    },
    waitForHits(count) {
      if (hits >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A handler answering a JSON body with optional extra headers. */
export function json(body: unknown, headers: Record<string, string> = {}, status = 200): Handler {
  return (_req, res) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(text);
  };
}
