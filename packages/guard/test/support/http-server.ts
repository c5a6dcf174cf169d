import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback server for tests: its URL, and a close that also drops keep-alive sockets. */
export interface TestServer {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 on a free port (or `port`). */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  opts: { port?: number; maxHeaderSize?: number } = {},
): Promise<TestServer> {
  const server = createServer(
    opts.maxHeaderSize === undefined ? {} : { maxHeaderSize: opts.maxHeaderSize },
    handler,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `condition` until it holds (or gives up after many tries); asserts nothing about time. */
export async function waitFor(condition: () => boolean, what: string, tries = 2000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`gave up waiting for ${what}`);
}
