// Every child process a benchmark starts is registered here and killed (by its
// own pid) when the benchmark exits, fails or is interrupted: no stray servers.

const live = new Set();
let installed = false;

function killAll(signal) {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    }
  }
}

function install() {
  if (installed) return;
  installed = true;
  process.on('exit', () => killAll('SIGKILL'));
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      process.stderr.write(`\n[bench] ${sig}: stopping child processes\n`);
      killAll('SIGKILL');
      process.exit(130);
    });
  }
}

/** Register a ChildProcess so that it is killed when this process ends. Returns the child. */
export function track(child) {
  install();
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Children still running (for diagnostics). */
export function liveChildren() {
  return [...live].map((c) => c.pid);
}
