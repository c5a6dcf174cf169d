// What a load benchmark (bench:http, bench:server) records before it starts:
// where server and load run, the machine, and how fresh the built packages are.
import { join } from 'node:path';
import { buildInfo, buildWarnings } from './builds.mjs';
import { pinningPlans } from './load.mjs';
import { gitInfo, machineInfo, runtimeInfo } from './machine.mjs';
import { machineWarnings } from './quiet.mjs';
import { BENCH_DIR } from './results.mjs';

/**
 * Pinning plans, start time, machine and runtime, and the build info of the
 * workspace packages named; every warning is printed and kept in `warnings`.
 * `meta(cfg, extra)`, called at the end, gives the head of the results file (`cfg`: the run's
 * settings, its filter regexes written as strings).
 *
 * @example
 * const { plans, started, machine, runtime, warnings, builds, meta } = startLoadRun(['jwt', 'guard']);
 * writeResults('http', { meta: meta(cfg, { versions }), cases }, md, started);
 */
export function startLoadRun(packages) {
  const plans = pinningPlans();
  for (const p of [plans.server, plans.client]) if (p.warning) console.warn(`[bench] warning: ${p.warning}`);
  const started = new Date();
  const machine = machineInfo();
  const runtime = runtimeInfo();
  const warnings = machineWarnings();
  const builds = buildInfo(join(BENCH_DIR, '..'), packages);
  for (const w of buildWarnings(builds)) {
    console.warn(`[bench] warning: ${w}`);
    warnings.push(w);
  }
  const meta = (cfg, extra = {}) => ({
    started: started.toISOString(),
    finished: new Date().toISOString(),
    machine,
    loadavgEnd: machineInfo().loadavg,
    runtime,
    git: gitInfo(
      BENCH_DIR,
      packages.map((p) => `packages/${p}`),
    ),
    builds,
    pinning: plans,
    warnings,
    settings: { ...cfg, filters: cfg.filters?.map(String) ?? null },
    ...extra,
  });
  return { plans, started, machine, runtime, warnings, builds, meta };
}
