// Real loopback listeners for the remote-JWKS tests: each one records the
// requests it receives, so a test can assert that a token made no request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Hit {
  method: string;
  url: string;
}

/** A loopback HTTP server: counts requests, handler swappable at any time. */
export interface TestServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly origin: string;
  /** The origin and the path given to `listen` (default `/jwks.json`). */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: readonly Hit[];
  /** Requests received so far. */
  readonly hits: number;
  /** Headers of the last request. */
  readonly lastHeaders: IncomingMessage['headers'] | undefined;
  readonly server: Server;
  /** Replaces the request handler. */
  handle(handler: Handler): void;
  /** Resolves once `hits` reaches `count`. */
  waitForHits(count: number): Promise<void>;
  /** Stops listening and drops every open connection, even ones left hanging on purpose. */
  close(): Promise<void>;
}

/** Starts a listener on 127.0.0.1 with a random port. The default handler answers 200 `{}`. */
export async function listen(initial: Handler = json({}), path = '/jwks.json'): Promise<TestServer> {
  let handler = initial;
  const requests: Hit[] = [];
  let lastHeaders: IncomingMessage['headers'] | undefined;
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' });
    lastHeaders = req.headers;
    for (const w of waiters.filter((x) => requests.length >= x.count)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  let closed = false;
  return {
    origin,
    url: `${origin}${path}`,
    requests,
    server,
    get hits() {
      return requests.length;
    },
    get lastHeaders() {
      return lastHeaders;
    },
    handle(next) {
      handler = next;
    },
    waitForHits(count) {
      if (requests.length >= count) return Promise.resolve();
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

/** A handler answering a JSON body (or raw text) with optional extra headers, streamed without a length. */
export function json(body: unknown, headers: Record<string, string> = {}, status = 200): Handler {
  return (_req, res) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(text);
  };
}

/** Answers 200 with a JSON body and its content-length. */
export function sendJson(res: ServerResponse, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  json(text, { 'content-length': String(Buffer.byteLength(text)), ...headers })(undefined as never, res);
}

/** Records the URL of every global fetch call until `restore` is called. */
export function spyOnFetch(): { urls: string[]; restore(): void } {
  const original = globalThis.fetch;
  const urls: string[] = [];
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    urls.push(input instanceof Request ? input.url : String(input));
    return original(input, init);
  };
  return {
    urls,
    restore() {
      globalThis.fetch = original;
    },
  };
}
