// Raw TCP clients for the availability tests: connections that send part of a request and
// wait, and a fresh-connection HTTP GET that reports whether the server answered.
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A client socket and a promise that settles when it closes (for any reason). */
export interface HeldSocket {
  socket: Socket;
  closed: Promise<void>;
  /** True once the socket has closed. */
  isClosed(): boolean;
  /** What the server sent, as latin1 text. */
  received(): string;
}

/**
 * Connects to 127.0.0.1:port, writes `data` (if any) and keeps the socket open.
 *
 * @example
 * const held = await holdSocket(port, 'POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n{');
 */
export function holdSocket(port: number, data?: string): Promise<HeldSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let closed = false;
    const closedPromise = new Promise<void>((done) => {
      socket.once('close', () => {
        closed = true;
        done();
      });
    });
    socket.on('error', () => {}); // a reset by the server is what some tests wait for
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1'); // whatever the server answers, e.g. a 408
    });
    socket.once('connect', () => {
      socket.off('error', reject);
      if (data !== undefined) socket.write(data);
      resolve({ socket, closed: closedPromise, isClosed: () => closed, received: () => received });
    });
    socket.once('error', reject);
  });
}

/**
 * Opens `count` held sockets, a batch at a time (a burst of hundreds of connects at once
 * overflows the listen backlog on a loaded machine).
 *
 * @example
 * const held = await holdSockets(300, port, slowBody);
 */
export async function holdSockets(count: number, port: number, data?: string): Promise<HeldSocket[]> {
  const out: HeldSocket[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Math.min(50, count - i);
    out.push(...(await Promise.all(Array.from({ length: batch }, () => holdSocket(port, data)))));
  }
  return out;
}

/** The outcome of {@link getFresh}: a status, or the error the connection ended with. */
export type Answer = { status: number; body: string } | { error: string };

/**
 * GET over a new connection (no agent, no keep-alive), with a deadline: did the server answer?
 *
 * @example
 * assert.deepEqual(await getFresh(port, '/healthz'), { status: 200, body: '{"status":"ok"}' });
 */
export function getFresh(port: number, path: string, timeoutMs = 10_000): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path, agent: false, headers: { connection: 'close' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', (err) => resolve({ error: err.message }));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error('no answer before the deadline')));
    req.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end();
  });
}

/**
 * Waits until `done()` is true, checking every `everyMs`; false if `deadlineMs` passes first.
 *
 * @example
 * assert.ok(await until(() => held.every((h) => h.isClosed()), 10_000));
 */
export async function until(done: () => boolean | Promise<boolean>, deadlineMs: number, everyMs = 25) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await done()) return true;
    await sleep(everyMs);
  }
  return done();
}
