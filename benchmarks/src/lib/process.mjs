// Run a Node script in a fresh process pinned to one CPU with taskset, so cases
// do not share JIT state and the other core stays free.
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Decide how to pin child processes. BENCH_CPU picks the CPU (default 1, or 0 on
 * a one-CPU machine); BENCH_NO_PIN=1 disables pinning.
 * Returns { pinned, cpu, warning? }.
 */
export function pinningPlan(env = process.env) {
  if (env.BENCH_NO_PIN === '1') {
    return { pinned: false, cpu: null, warning: 'BENCH_NO_PIN=1: cases are not pinned to a CPU' };
  }
  const cpus = availableParallelism();
  const cpu = env.BENCH_CPU !== undefined && env.BENCH_CPU !== '' ? Number(env.BENCH_CPU) : cpus > 1 ? 1 : 0;
  if (!Number.isInteger(cpu) || cpu < 0)
    throw new Error(`BENCH_CPU must be a CPU number, got ${env.BENCH_CPU}`);
  const probe = spawnSync('taskset', ['-c', String(cpu), process.execPath, '-e', '0'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? probe.error.message : `exit code ${probe.status}`;
    return {
      pinned: false,
      cpu: null,
      warning: `taskset -c ${cpu} is not usable (${why}); cases run WITHOUT CPU pinning, expect more noise`,
    };
  }
  return { pinned: true, cpu };
}

/**
 * Run `node script ...args` (pinned when plan.pinned). Resolves with
 * { code, signal, stdout, stderr }; never rejects for a non-zero exit.
 */
export function runNode(plan, script, args, { timeoutMs, env } = {}) {
  const nodeArgs = [script, ...args];
  const [cmd, argv] = plan.pinned
    ? ['taskset', ['-c', String(plan.cpu), process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    let timer;
    if (timeoutMs) {
      timer = setTimeout(() => {
        stderr += `\n[bench] killed after ${timeoutMs} ms`;
        child.kill('SIGKILL');
      }, timeoutMs);
    }
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
