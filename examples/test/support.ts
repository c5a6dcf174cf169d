// Runs the examples as their users would: each file with tsx in a child process, each shell
// flow with bash, against a real `tessera serve` (the built CLI, started by the guard's e2e helper).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, REPO_ROOT } from '../../packages/guard/test/e2e-support/auth-server.js';

export { type AuthServer, startAuthServer } from '../../packages/guard/test/e2e-support/auth-server.js';
export { freePort, REPO_ROOT };

const START_DEADLINE_MS = 60_000;
const RUN_DEADLINE_MS = 60_000;

/** A running example app. */
export interface ExampleApp {
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
}

function examplePath(file: string): string {
  return join(REPO_ROOT, 'examples', file);
}

/** The environment of a child: this one without TESSERA_* (the server's own), plus `env`. */
function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of Object.keys(base)) if (name.startsWith('TESSERA_')) delete base[name];
  return { ...base, ...env };
}

/**
 * Starts `examples/<file>` (tsx) with PORT set to a free port and resolves once it answers
 * HTTP (any status). A port lost to another process between probe and listen is retried.
 */
export async function startExample(file: string, env: NodeJS.ProcessEnv): Promise<ExampleApp> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', examplePath(file)], {
      cwd: join(REPO_ROOT, 'examples'),
      env: childEnv({ ...env, PORT: String(port) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    const url = `http://127.0.0.1:${port}`;
    const stop = async () => {
      process.off('exit', killOnExit);
      await kill(child);
    };
    const failure = await answering(url, child);
    if (failure === undefined) return { url, output: () => output, stop };
    await stop();
    if (attempt < 3 && /EADDRINUSE/.test(output)) continue;
    throw new Error(`${file} did not answer on ${url}: ${failure}\n${output}`);
  }
}

/** Polls until the app answers; returns why not otherwise. */
async function answering(url: string, child: ChildProcess): Promise<string | undefined> {
  const deadline = Date.now() + START_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      return `exited (${child.exitCode ?? child.signalCode})`;
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return undefined;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return 'no answer in time';
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** What a finished child printed. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Process groups of the commands still running: killed when this process exits, whatever happens. */
const running = new Set<number>();
process.once('exit', () => {
  for (const pid of running) killGroup(pid);
});

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {} // already gone
}

/**
 * Runs a command to completion (cwd: the repository root unless given; `opts.env` replaces the
 * whole environment). It runs in a process group of its own, so that a timeout also ends what
 * it started (npm's install scripts, a compiler).
 */
export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd ?? REPO_ROOT,
      env: opts.env ?? childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const pid = child.pid;
    if (pid !== undefined) running.add(pid);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      if (pid !== undefined) killGroup(pid);
      reject(new Error(`${command} ${args.join(' ')} did not finish in time\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? RUN_DEADLINE_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (pid !== undefined) running.delete(pid);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `examples/<file>` (tsx) to completion. */
export function runExample(file: string, env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return run(process.execPath, ['--import', 'tsx', examplePath(file)], env, {
    cwd: join(REPO_ROOT, 'examples'),
  });
}

/** One HTTP exchange of a shell flow, as curl reported it. */
export interface CurlCall {
  status: number;
  method: string;
  path: string;
}

/**
 * Runs `examples/<file>` with bash, errexit on, and returns what each curl call answered: a
 * curlrc (CURL_HOME) makes every curl of the script report its status on stderr, so the test
 * checks every step of the flow without the flow printing anything more than it shows.
 */
export async function runFlow(
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<RunResult & { calls: CurlCall[] }> {
  const home = await mkdtemp(join(tmpdir(), 'tessera-curl-'));
  try {
    await writeFile(
      join(home, '.curlrc'),
      'write-out = "%{stderr}curl: %{http_code} %{method} %{url_effective}\\n"\n',
    );
    const result = await run('bash', ['-e', '-o', 'pipefail', join(REPO_ROOT, 'examples', file)], {
      ...env,
      CURL_HOME: home,
    });
    const calls: CurlCall[] = [];
    for (const match of result.stderr.matchAll(/^curl: (\d{3}) (\S+) (\S+)$/gm)) {
      calls.push({
        status: Number(match[1]),
        method: match[2] as string,
        path: new URL(match[3] as string).pathname,
      });
    }
    return { ...result, calls };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** JSON over fetch. */
export async function call(
  url: string,
  opts: { method?: string; token?: string; body?: unknown } = {},
): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: opts.method ?? 'GET',
    headers,
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {}
  return { status: res.status, body, text, headers: res.headers };
}
