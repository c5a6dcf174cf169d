// A redis-server of its own for a benchmark: AOF on, a temporary directory, a free port, pinned
// to a CPU with taskset; INFO read with redis-cli; redis-benchmark runs. Every process is
// registered in children.mjs, so none outlives the benchmark.
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { track } from './children.mjs';
import { freePort, stopChild } from './servers.mjs';

const run = promisify(execFile);

/** Whether redis-server, redis-cli and redis-benchmark are installed. */
export function redisInstalled() {
  return ['redis-server', 'redis-cli', 'redis-benchmark'].every(
    (bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0,
  );
}

/** `redis-server --version`, e.g. "7.0.15". */
export function redisVersion() {
  const out = execFileSync('redis-server', ['--version'], { encoding: 'utf8' });
  return /v=(\S+)/.exec(out)?.[1] ?? out.trim();
}

/** [command, argv], pinned with taskset when plan.pinned. */
function pinned(plan, cmd, argv) {
  return plan?.pinned ? ['taskset', ['-c', String(plan.cpu), cmd, ...argv]] : [cmd, argv];
}

/**
 * Starts redis-server on a free port in a fresh temporary directory: AOF on with
 * `appendfsync` = `fsync` (default everysec, what Tessera's start-up check asks for), no RDB
 * snapshots, `noeviction`. Resolves with { port, pid, dir, url, cli(args), info(section),
 * stop() } once it answers PING.
 */
export async function startRedis(plan, { fsync = 'everysec' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-redis-'));
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
    fsync,
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    '--logfile',
    join(dir, 'redis.log'),
  ];
  const [cmd, argv] = pinned(plan, 'redis-server', args);
  const child = track(spawn(cmd, argv, { stdio: 'ignore' }));
  const cli = async (cliArgs) => (await run('redis-cli', ['-p', String(port), ...cliArgs])).stdout;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await cli(['ping'])).trim() === 'PONG') break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    pid: child.pid,
    dir,
    fsync,
    url: `redis://127.0.0.1:${port}`,
    cli,
    info: async (section) => parseInfo(await cli(['info', section])),
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** INFO's `name:value` lines as an object (numbers where they are numbers). */
export function parseInfo(text) {
  const out = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0 || line.startsWith('#')) continue;
    const value = line.slice(i + 1).trim();
    out[line.slice(0, i)] = value !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return out;
}

/** Redis CPU seconds (user + sys, main thread and children) from an INFO cpu object. */
export function redisCpuSeconds(info) {
  return (
    (info.used_cpu_user ?? 0) +
    (info.used_cpu_sys ?? 0) +
    (info.used_cpu_user_children ?? 0) +
    (info.used_cpu_sys_children ?? 0)
  );
}

/**
 * Runs redis-benchmark (pinned per plan) and returns { perSec, p50, p99 } of its one test.
 * `command` is the command to time (words), `-r keyspace` replaces __rand_int__ in it.
 */
export async function redisBenchmark(plan, port, { command, requests, connections, keyspace }) {
  const args = [
    '-p',
    String(port),
    '-n',
    String(requests),
    '-c',
    String(connections),
    '-r',
    String(keyspace),
    '--csv',
    ...command,
  ];
  const [cmd, argv] = pinned(plan, 'redis-benchmark', args);
  const { stdout } = await run(cmd, argv, { maxBuffer: 16 * 1024 * 1024 });
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  // The test name (the command) may hold commas and quotes: read the 7 figures from the end.
  const last = stdout.trim().split('\n').at(-1) ?? '';
  const figures = last
    .split(',')
    .slice(-7)
    .map((c) => Number(c.replace(/^"|"$/g, '')));
  const [rps, , , p50, , p99] = figures;
  return { perSec: rps, p50, p99, raw: last };
}
