// CPU time of a process from /proc/<pid>/stat (utime + stime of all its
// threads), for "server CPU µs per request": independent of the load generator.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticks;

/** Clock ticks per second (getconf CLK_TCK; 100 on Linux). */
export function clockTicks() {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** utime + stime of pid in milliseconds, or null when it cannot be read. */
export function cpuTimeMs(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime is field 14, stime field 15.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return ((utime + stime) * 1000) / clockTicks();
}

/** The CPUs a process may run on (Cpus_allowed_list from /proc/<pid>/status), e.g. "1". */
export function allowedCpus(pid) {
  try {
    const m = /^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? m[1].trim() : null;
  } catch {
    return null;
  }
}

/**
 * Resolves once pid has used less than `maxUse` of one CPU over `samples`
 * consecutive windows of `windowMs` (a flood leaves queued work behind: abandoned
 * requests are still processed after the load generator has gone). Gives up
 * after timeoutMs and resolves with false.
 */
export async function waitIdle(
  pid,
  { maxUse = 0.05, windowMs = 250, samples = 2, timeoutMs = 120_000 } = {},
) {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let last = cpuTimeMs(pid);
  if (last === null) return false;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, windowMs));
    const now = cpuTimeMs(pid);
    if (now === null) return false;
    quiet = (now - last) / windowMs <= maxUse ? quiet + 1 : 0;
    last = now;
    if (quiet >= samples) return true;
  }
  return false;
}
