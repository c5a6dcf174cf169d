// Long-running server processes for the HTTP benchmarks: start one Node
// process pinned to a CPU (taskset), wait until it prints its ready line, stop
// it by its pid. Every process is registered in children.mjs, so none outlives
// the benchmark.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { track } from './children.mjs';

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** [command, argv] for `node ...nodeArgs script ...args`, pinned when plan.pinned. */
export function nodeCommand(plan, script, args = [], nodeArgs = []) {
  const argv = [...nodeArgs, script, ...args];
  return plan.pinned
    ? ['taskset', ['-c', String(plan.cpu), process.execPath, ...argv]]
    : [process.execPath, argv];
}

/**
 * Start `node ...nodeArgs script ...args` pinned per plan and resolve once a
 * line of its stdout or stderr matches `ready` (a RegExp). taskset execs node,
 * so the pid is the Node process itself (its /proc/<pid>/stat is the server's).
 * Resolves with { pid, match, child, output(), stop() }.
 */
export function startServer(
  plan,
  { script, args = [], nodeArgs = [], env, cwd, ready, timeoutMs = 60_000, name = script },
) {
  const [cmd, argv] = nodeCommand(plan, script, args, nodeArgs);
  const child = track(spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env, cwd }));
  let output = '';
  const keep = (d) => {
    output += d;
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  const stop = () => stopChild(child);
  return new Promise((resolve, reject) => {
    let done = false;
    let buffered = '';
    const timer = setTimeout(
      () => finish(new Error(`${name} did not become ready in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const finish = (err, match) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        stop().finally(() =>
          reject(new Error(`${err.message}\n--- output of ${name} ---\n${output.slice(-4000)}`)),
        );
      } else {
        resolve({ pid: child.pid, match, child, output: () => output, stop });
      }
    };
    const onData = (d) => {
      keep(d);
      if (done) return;
      buffered += d;
      let nl = buffered.indexOf('\n');
      while (nl !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const m = ready.exec(line);
        if (m) return finish(null, m);
        nl = buffered.indexOf('\n');
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.on('error', (err) => finish(err));
    child.on('exit', (code, signal) =>
      finish(new Error(`${name} exited with ${signal ?? code} before it was ready`)),
    );
  });
}

/** SIGTERM, then SIGKILL after graceMs; resolves when the process has exited. */
export function stopChild(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Extra node flags for a server under test: with BENCH_CPU_PROF=<dir>, a V8 CPU
 * profile of the whole server process is written there when it exits
 * (summarize it with src/lib/profile-summary.mjs).
 */
export function profilingArgs(name, env = process.env) {
  const dir = env.BENCH_CPU_PROF;
  if (!dir) return [];
  return [
    '--cpu-prof',
    '--cpu-prof-dir',
    resolve(dir),
    '--cpu-prof-name',
    `${name.replace(/[^\w.-]+/g, '_')}.cpuprofile`,
  ];
}
