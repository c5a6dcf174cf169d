// Machine, runtime and dependency versions, recorded with every result file.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';

/** Version of an installed package, found by walking up node_modules from `fromDir`. */
export function packageVersion(name, fromDir) {
  let dir = fromDir;
  for (;;) {
    const p = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(p)) {
      try {
        return JSON.parse(readFileSync(p, 'utf8')).version ?? null;
      } catch {
        return null;
      }
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

export function machineInfo() {
  const list = cpus();
  return {
    os: `${type()} ${release()}`,
    arch: process.arch,
    cpuModel: list[0]?.model ?? 'unknown',
    cpuCount: list.length,
    availableParallelism: availableParallelism(),
    totalMemGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadavg: loadavg(),
  };
}

export function runtimeInfo() {
  const v = process.versions;
  return {
    node: process.version,
    v8: v.v8,
    openssl: v.openssl,
    uv: v.uv,
    npmUserAgent: process.env.npm_config_user_agent ?? null,
  };
}

/** "v20.20.2 (V8 …, OpenSSL …), Linux 6.18, 2 × AMD EPYC …" */
export function describeEnvironment(machine, runtime) {
  return (
    `Node ${runtime.node} (V8 ${runtime.v8}, OpenSSL ${runtime.openssl}), ${machine.os} ${machine.arch}, ` +
    `${machine.cpuCount} × ${machine.cpuModel}, ${machine.totalMemGiB} GiB RAM`
  );
}

/**
 * The git commit of `dir`, and for each of `paths` (relative to the repository root)
 * whether it has uncommitted changes: { commit, dirty: { [path]: boolean | null } }.
 */
export function gitInfo(dir, paths = []) {
  const git = (...args) => {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const commit = git('rev-parse', 'HEAD');
  if (commit === null) return null;
  const dirty = {};
  for (const p of paths) {
    const status = git('status', '--porcelain', '--', `:(top)${p}`);
    dirty[p] = status === null ? null : status !== '';
  }
  return { commit, dirty };
}

/** ' (… with uncommitted changes)' when one of gitInfo's paths had any, else ''. */
export function dirtyNote(git) {
  const paths = Object.entries(git?.dirty ?? {})
    .filter(([, d]) => d === true)
    .map(([p]) => p);
  return paths.length ? ` (${paths.join(', ')} with uncommitted changes)` : '';
}
