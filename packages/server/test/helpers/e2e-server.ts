// Starts the BUILT `tessera serve` on a free port (--port 0) and talks to it over a real socket.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { CLI, cleanEnv } from './e2e-cli.js';

export interface RunningServer {
  url: string;
  process: ChildProcess;
  /** Everything the server wrote, for failure messages. */
  output(): string;
  /** Sends `signal` and waits for the process to be gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const live = new Set<ChildProcess>();

/**
 * Runs `tessera serve --port 0` on the data directory and resolves with its URL
 * once it prints "Tessera auth server listening on …". `env` adds variables.
 */
export async function startServer(
  storeArgs: string[],
  timeoutMs = 30_000,
  env: Record<string, string> = {},
): Promise<RunningServer> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...storeArgs], {
    // No load shedding: on a shared, busy machine the server's event loop can lag past any threshold.
    env: cleanEnv({ TESSERA_LOG_LEVEL: 'warn', TESSERA_MAX_EVENT_LOOP_DELAY_MS: '0', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let output = '';
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), timeoutMs);
    lines.on('line', (line) => {
      output += `${line}\n`;
      const match = /Tessera auth server listening on (http:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  return {
    url,
    process: child,
    output: () => output,
    async stop(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
  };
}

/** Kills every server still running: call it from `after` hooks. */
export async function killAllServers(): Promise<void> {
  await Promise.all(
    [...live].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }),
  );
}

/** A parsed JSON response body; each test asserts the shape it relies on. */
// biome-ignore lint/suspicious/noExplicitAny: a test client's bodies are checked by the assertions that read them
export type JsonBody = any;

/** JSON over fetch: returns status, parsed body (or null) and headers. */
export async function call(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: JsonBody; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : JSON.parse(text), headers: res.headers };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs = 30_000, intervalMs = 250 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
