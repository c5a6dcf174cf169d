// Is the machine quiet enough for a measurement? Other benchmark processes and
// the load average, printed with every run.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';

/** Processes that look like another benchmark run (not this one, nor its npm parent). */
export function otherBenchmarks() {
  const r = spawnSync('pgrep', ['-af', 'benchmarks/src|src/(jwt|http|server)/run\\.mjs'], {
    encoding: 'utf8',
  });
  if (r.status !== 0 || !r.stdout) return [];
  const mine = new Set([process.pid, process.ppid]);
  return r.stdout
    .trim()
    .split('\n')
    .filter((line) => !mine.has(Number(line.split(' ', 1)[0])) && !/\bpgrep\b/.test(line));
}

/** Warnings about the machine (other benchmarks, load average); prints them and returns them. */
export function machineWarnings(log = console.warn) {
  const warnings = [];
  const others = otherBenchmarks();
  if (others.length > 0) {
    warnings.push(`other benchmark processes are running; results will be noisy:\n  ${others.join('\n  ')}`);
  }
  const [one] = loadavg();
  if (one > 0.5)
    warnings.push(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (above 0.5)`,
    );
  for (const w of warnings) log(`[bench] warning: ${w}`);
  return warnings;
}
