// The real auth server for the cross-package end-to-end test: the BUILT `tessera`
// CLI run as a child process. Nothing here imports @tessera/server: the guard must
// not depend on it, so the server is reached only through its CLI and its HTTP API.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from this file (packages/guard/test/e2e-support/). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** The built CLI: `npm test` builds before it runs the tests. */
export const CLI = join(REPO_ROOT, 'packages', 'server', 'dist', 'cli', 'main.js');

const READY_LINE = /Tessera auth server listening on (http:\/\/\S+)/;
/** Generous: only a hung server ever gets near it. */
const START_DEADLINE_MS = 30_000;
const CLI_DEADLINE_MS = 30_000;
const STOP_GRACE_MS = 5_000;
/** Keep the tail of the child's output for failure messages, not all of it. */
const MAX_LOG_CHARS = 20_000;

/** A free TCP port on 127.0.0.1, found with a throwaway server (the issuer URL needs it before start). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** What a CLI run printed. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node packages/server/dist/cli/main.js ...args` to completion, with `input` on stdin. */
export function runCli(args: string[], input = '', env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tessera ${args.slice(0, 2).join(' ')} did not finish\n${stdout}\n${stderr}`));
    }, CLI_DEADLINE_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** A running `tessera serve`. */
export interface AuthServer {
  /** `http://127.0.0.1:<port>`: also the issuer. */
  readonly url: string;
  readonly dataDir: string;
  /** The tail of what the server printed (for failure messages). */
  log(): string;
  /** Stops the server (SIGTERM, then SIGKILL) and removes the data directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface AuthServerOptions {
  admin: { email: string; password: string };
  /** More configuration keys for the config file (e.g. `{ console: false }`). */
  config?: Record<string, unknown>;
}

/**
 * Creates a data directory and config file, adds the admin with
 * `tessera users add … --role admin --password-stdin` (or, on a CLI without
 * that command, lets `serve` create it from TESSERA_ADMIN_EMAIL/PASSWORD), and
 * starts `tessera serve`, resolving once it prints its listening line.
 */
export async function startAuthServer(opts: AuthServerOptions): Promise<AuthServer> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm run build)`);
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-guard-e2e-'));
  const configFile = join(dataDir, 'config.json');
  const storeArgs = ['--data-dir', dataDir, '--config', configFile];
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('TESSERA_')) delete env[name];
  const writeConfig = async (port: number) => {
    const config = {
      argon2: { memoryCost: 1024, timeCost: 1 },
      port,
      issuer: `http://127.0.0.1:${port}`,
      logLevel: 'warn',
      // No load shedding: on a shared, busy machine the server's event loop can lag past any threshold.
      maxEventLoopDelayMs: 0,
      ...opts.config,
    };
    await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);
  };
  try {
    let port = await freePort();
    await writeConfig(port);
    const added = await runCli(
      ['users', 'add', opts.admin.email, '--role', 'admin', '--password-stdin', ...storeArgs],
      opts.admin.password,
      env,
    );
    if (added.code !== 0) {
      if (!/unknown command/i.test(added.stderr)) {
        throw new Error(`tessera users add failed (${added.code}): ${added.stderr}${added.stdout}`);
      }
      // A CLI without `users add`: serve creates the first admin from the environment.
      env.TESSERA_ADMIN_EMAIL = opts.admin.email;
      env.TESSERA_ADMIN_PASSWORD = opts.admin.password;
    }
    // The port was probed, not held: a lost race for it is retried with another one.
    for (let attempt = 1; ; attempt++) {
      const started = await spawnServe(storeArgs, env, dataDir);
      if ('server' in started) return started.server;
      if (attempt >= 3 || !/EADDRINUSE|address already in use/i.test(started.log)) {
        throw new Error(`tessera serve did not start:\n${started.log}`);
      }
      port = await freePort();
      await writeConfig(port);
    }
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

type Started = { server: AuthServer } | { log: string };

function spawnServe(args: string[], env: NodeJS.ProcessEnv, dataDir: string): Promise<Started> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { cwd: REPO_ROOT, env, stdio: 'pipe' });
  // Whatever happens to the test process, the server does not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  const append = (chunk: string) => {
    output += chunk;
    if (output.length > MAX_LOG_CHARS) output = output.slice(-MAX_LOG_CHARS);
  };
  child.stderr.setEncoding('utf8').on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await terminate(child, exited);
      process.off('exit', killOnExit);
      await rm(dataDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  return new Promise<Started>((resolve) => {
    let pending = '';
    let settled = false;
    const settle = (value: Started) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      append(chunk);
      if (settled) return;
      pending += chunk;
      const match = READY_LINE.exec(pending);
      if (match) {
        settle({ server: { url: match[1] as string, dataDir, log: () => output, stop } });
      } else {
        pending = pending.slice(-1000);
      }
    });
    const timer = setTimeout(() => {
      void terminate(child, exited).then(() => settle({ log: `(no listening line in time)\n${output}` }));
    }, START_DEADLINE_MS);
    child.once('error', (err) => settle({ log: `${err.message}\n${output}` }));
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      settle({ log: `exited early (${code ?? signal})\n${output}` });
    });
  });
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), STOP_GRACE_MS);
  });
  if ((await Promise.race([exited, grace])) === 'late') {
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}
