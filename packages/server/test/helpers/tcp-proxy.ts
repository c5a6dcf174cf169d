// A tiny TCP proxy for tests: what a load balancer in front of several instances does for a
// client that knows one address. Each connection goes to the first upstream that accepts it;
// when an upstream dies, its connections break and new ones go to the next.
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A running proxy: its URL, and how many connections went to each upstream. */
export interface TcpProxy {
  readonly url: string;
  /** Connections accepted by each upstream (by index). */
  readonly connections: number[];
  close(): Promise<void>;
}

/**
 * Listens on a free loopback port and forwards each connection to the first of `upstreams`
 * (`host:port`) that accepts it.
 *
 * @example
 * const proxy = await startTcpProxy(['127.0.0.1:4001', '127.0.0.1:4002']);
 * createGuard({ ..., revocations: { url: `${proxy.url}/auth/revocations` } });
 */
export async function startTcpProxy(upstreams: readonly string[]): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const connections = upstreams.map(() => 0);
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    track(client);
    client.pause();
    const attempt = (index: number) => {
      if (index >= upstreams.length) {
        client.destroy();
        return;
      }
      const [host, port] = (upstreams[index] as string).split(':');
      const upstream = connect(Number(port), host as string);
      track(upstream);
      const refused = () => attempt(index + 1);
      upstream.once('error', refused);
      upstream.once('connect', () => {
        upstream.off('error', refused);
        connections[index] = (connections[index] ?? 0) + 1;
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
