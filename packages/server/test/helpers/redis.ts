// Redis for tests: the tests start their own redis-server processes (AOF on, in a temporary
// directory, on free ports) rather than use the machine's Redis on 6379, which keeps nothing on
// disk. A standalone server, or a 6-node cluster (3 masters, 3 replicas).
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';

const run = promisify(execFile);

/**
 * Whether `redis-server` and `redis-cli` are installed. When they aren't: in CI (`CI=true`) this
 * throws, so the test file fails; elsewhere it returns the one line to report for the skip.
 *
 * @example
 * const skip = redisSkipReason('store-redis');
 * if (skip) it('Redis store', { skip }, () => {});
 */
export function redisSkipReason(what: string): string | undefined {
  const found = ['redis-server', 'redis-cli'].every(
    (bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0,
  );
  if (found) return undefined;
  if (process.env.CI === 'true')
    throw new Error(`redis-server is not installed; CI requires it for ${what} tests`);
  return `redis-server not installed: ${what} tests skipped (apt-get install redis-server to enable them)`;
}

/** A port that is free now, whose cluster bus port (port + 10000) is free too. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** One redis-server process of a test. */
export class RedisProcess {
  #child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly args: readonly string[],
  ) {}

  /**
   * Starts redis-server with AOF on (`appendfsync always`: a write acknowledged is on disk) in
   * `dir`, and waits until it answers.
   *
   * @example
   * const redis = await RedisProcess.start(dir); // redis.url
   */
  static async start(dir: string, extra: readonly string[] = []): Promise<RedisProcess> {
    const port = await freePort();
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      '--logfile',
      join(dir, 'redis.log'),
      ...extra,
    ];
    const redis = new RedisProcess(port, dir, args);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the process again (same port, directory and AOF), and waits until it answers. */
  async restart(): Promise<void> {
    this.#child = spawn('redis-server', this.args, { stdio: 'ignore' });
    await waitFor(async () => {
      const { stdout } = await run('redis-cli', ['-p', String(this.port), 'ping']);
      return stdout.trim() === 'PONG';
    }, `redis-server on port ${this.port}`);
  }

  /**
   * Kills the process with `signal` and waits for it to exit. Redis refuses a SIGTERM while it
   * writes its first AOF (after `CONFIG SET appendonly yes`): then SIGKILL follows after 3 s.
   */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    const fallback = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(fallback);
  }
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A standalone Redis with AOF in its own temporary directory. */
export interface TestRedis {
  readonly server: RedisProcess;
  /** A new client; the caller closes it (or it is closed by `stop`). */
  client(): Redis;
  /** Kills the server and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Starts a standalone redis-server (AOF, appendfsync always) in a fresh temporary directory.
 *
 * @example
 * const redis = await startRedis(); after(() => redis.stop());
 */
export async function startRedis(): Promise<TestRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-redis-'));
  const server = await RedisProcess.start(dir);
  const clients: Redis[] = [];
  return {
    server,
    client() {
      const client = new Redis(server.port, '127.0.0.1', { enableAutoPipelining: true });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.disconnect();
      // SIGTERM: Redis then also ends an AOF rewrite child, which would write on into `dir`.
      await server.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

/** A 6-node Redis Cluster (3 masters, 3 replicas), AOF on every node. */
export interface TestRedisCluster {
  readonly nodes: readonly string[];
  /** A new cluster client; closed by `stop`. */
  client(): Cluster;
  stop(): Promise<void>;
}

/**
 * Starts six cluster-enabled redis-server processes on free ports, joins them with
 * `redis-cli --cluster create … --cluster-replicas 1`, and waits for `cluster_state:ok` on every
 * node.
 *
 * @example
 * const cluster = await startRedisCluster(); after(() => cluster.stop());
 */
export async function startRedisCluster(): Promise<TestRedisCluster> {
  const root = await mkdtemp(join(tmpdir(), 'tessera-redis-cluster-'));
  const servers: RedisProcess[] = [];
  const clients: Cluster[] = [];
  const stop = async () => {
    for (const client of clients) client.disconnect();
    await Promise.all(servers.map((s) => s.kill('SIGTERM')));
    await rm(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  };
  try {
    for (let i = 0; i < 6; i++) {
      const dir = join(root, `node-${i}-${randomBytes(3).toString('hex')}`);
      await mkdir(dir);
      servers.push(
        await RedisProcess.start(dir, [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, 'nodes.conf'),
          '--cluster-node-timeout',
          '2000',
        ]),
      );
    }
    const nodes = servers.map((s) => `127.0.0.1:${s.port}`);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '1', '--cluster-yes']);
    for (const server of servers) {
      await waitFor(async () => {
        const { stdout } = await run('redis-cli', ['-p', String(server.port), 'cluster', 'info']);
        return stdout.includes('cluster_state:ok');
      }, `cluster_state:ok on port ${server.port}`);
    }
    return {
      nodes,
      client() {
        const [host, port] = (nodes[0] as string).split(':');
        const client = new Cluster([{ host: host as string, port: Number(port) }], {
          enableAutoPipelining: true,
        });
        clients.push(client);
        return client;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Deletes every key under `prefix` on every master (a test's own keys).
 *
 * @example
 * await deleteKeys(client, 'tessera-test-1a2b:');
 */
export async function deleteKeys(client: Redis | Cluster, prefix: string): Promise<void> {
  for (const key of await listKeys(client, prefix)) await client.del(key);
}

/**
 * Every key under `prefix`, on every master.
 *
 * @example
 * assert.deepEqual(await listKeys(client, prefix), []);
 */
export async function listKeys(client: Redis | Cluster, prefix: string): Promise<string[]> {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  const keys: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
  }
  return keys;
}
