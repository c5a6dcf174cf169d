// Real loopback listeners for the remote-JWKS attack tests: each one counts the
// requests it receives, so a test can assert that a token made no request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Hit {
  method: string;
  url: string;
}

export interface Listener {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly origin: string;
  /** Every request received, in order. */
  readonly hits: Hit[];
  readonly server: Server;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Starts a listener on 127.0.0.1 with a random port. The default handler answers 200 `{}`. */
export async function listen(handler?: Handler): Promise<Listener> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '' });
    if (handler !== undefined) handler(req, res);
    else sendJson(res, {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    hits,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers 200 with a JSON body. */
export function sendJson(res: ServerResponse, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
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
