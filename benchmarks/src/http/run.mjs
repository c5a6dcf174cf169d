// `GET /profile` behind a JWT check, per framework, with and without
// @tessera/guard (method: benchmarks/README.md, HTTP section).
// Each server runs alone in one Node process pinned to one CPU (BENCH_CPU,
// default 1); autocannon runs in another process pinned to the other CPU
// (BENCH_CLIENT_CPU, default 0) against 127.0.0.1.
//
//   npm run bench:http
//   BENCH_DURATION=2 BENCH_PASSES=1 BENCH_WARMUP=1 npm run bench:http    # smoke run
//   BENCH_FILTER=HS256/fastify npm run bench:http                        # cases whose name matches
//
// Environment: BENCH_PASSES (3) x BENCH_RUNS (1) runs per server: each pass goes
// through every server once (fresh process, warm-up, runs), so the servers are
// interleaved in time and drift on a shared machine hits them all alike;
// every other pass (the 2nd, 4th, …) goes through them in reverse order;
// BENCH_DURATION (10 s) BENCH_WARMUP (3 s) BENCH_CONNECTIONS (50) BENCH_PIPELINING (1)
// BENCH_ALGS (HS256,EdDSA) BENCH_FILTER (regex, comma = alternatives) BENCH_CPU (1)
// BENCH_CLIENT_CPU (0) BENCH_NO_PIN=1 BENCH_CPU_PROF=<dir> (a --cpu-prof profile of
// every server process).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envFilters, envInt } from '../lib/env.mjs';
import { runAutocannon } from '../lib/load.mjs';
import { describeEnvironment, packageVersion } from '../lib/machine.mjs';
import { allowedCpus, waitIdle } from '../lib/proc-stat.mjs';
import { BENCH_DIR, writeResults } from '../lib/results.mjs';
import { startLoadRun } from '../lib/run-context.mjs';
import { ALGS, caseName, SERVERS } from './cases.mjs';
import { makeKeys, probe, startCaseServer } from './fixtures.mjs';
import { reportMarkdown, summarizeCase } from './report.mjs';

const LIBRARIES = [
  'autocannon',
  'fastify',
  '@fastify/jwt',
  'fast-jwt',
  'express',
  'express-jwt',
  'jsonwebtoken',
];

/** Proofs made ahead per second of a DPoP run (more are made on the fly past them). */
const DPOP_PROOFS_PER_SECOND = 12_000;

function settings(env = process.env) {
  const algs = (env.BENCH_ALGS ?? ALGS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const a of algs)
    if (!ALGS.includes(a)) throw new Error(`BENCH_ALGS: unknown alg ${a} (${ALGS.join(', ')})`);
  return {
    runs: envInt('BENCH_RUNS', 1),
    duration: envInt('BENCH_DURATION', 10),
    warmup: envInt('BENCH_WARMUP', 3, { min: 0 }),
    connections: envInt('BENCH_CONNECTIONS', 50),
    pipelining: envInt('BENCH_PIPELINING', 1),
    passes: envInt('BENCH_PASSES', 3),
    algs,
    filters: envFilters('BENCH_FILTER'),
  };
}

async function runCase(plans, cfg, dir, keys, alg, server) {
  const name = caseName(alg, server);
  const { proc, port, claims, tokens, dpop } = await startCaseServer(
    plans.server,
    dir,
    keys,
    alg,
    server,
    name,
  );
  const url = `http://127.0.0.1:${port}/profile`;
  const load = {
    url,
    connections: cfg.connections,
    pipelining: cfg.pipelining,
    headers: { authorization: `${dpop === undefined ? 'Bearer' : 'DPoP'} ${tokens.valid}` },
    serverPid: proc.pid,
  };
  // A DPoP-bound token: every request carries a proof of its own, made before the run starts.
  const withProofs = (duration) =>
    dpop === undefined
      ? { ...load, duration }
      : {
          ...load,
          duration,
          dpop: {
            privateJwk: dpop.privateJwk,
            alg: 'ES256',
            htm: 'GET',
            htu: url,
            accessToken: tokens.valid,
            count: duration * DPOP_PROOFS_PER_SECOND,
          },
        };
  const runs = [];
  try {
    await probe(port, server, claims, tokens, dpop);
    const cpus = allowedCpus(proc.pid);
    if (cfg.warmup > 0) await runAutocannon(plans.client, withProofs(cfg.warmup));
    for (let r = 0; r < cfg.runs; r++) {
      await waitIdle(proc.pid);
      await probe(port, server, claims, tokens, dpop);
      const run = await runAutocannon(plans.client, withProofs(cfg.duration));
      run.serverCpus = cpus;
      runs.push(run);
      console.log(
        `  ${name.padEnd(28)} run ${r + 1}/${cfg.runs}: ${Math.round(run.reqPerSec).toLocaleString('en-US').padStart(7)} req/s` +
          `  p50 ${run.latency.p50} ms  p99 ${run.latency.p99} ms  server ${run.cpuUsPerReq?.toFixed(1)} µs/req` +
          ` (${Math.round((run.serverCpuUse ?? 0) * 100)}% CPU)  client ${Math.round(run.clientCpuUse * 100)}% CPU` +
          (run.non2xx + run.errors + run.timeouts > 0
            ? `  !! non2xx ${run.non2xx} errors ${run.errors} timeouts ${run.timeouts}`
            : ''),
      );
    }
    return { status: 'ok', runs };
  } catch (err) {
    console.error(`  ${name}: FAILED: ${err.message}`);
    return { status: 'failed', error: err.message, runs };
  } finally {
    await proc.stop();
  }
}

async function main() {
  const cfg = settings();
  const { plans, started, machine, runtime, meta: resultsMeta } = startLoadRun(['jwt', 'guard']);
  const versions = Object.fromEntries(LIBRARIES.map((l) => [l, packageVersion(l, BENCH_DIR)]));
  versions['@tessera/guard'] = packageVersion('@tessera/guard', BENCH_DIR);
  versions['@tessera/jwt'] = packageVersion('@tessera/jwt', BENCH_DIR);

  const cases = [];
  for (const alg of cfg.algs) {
    for (const server of SERVERS) {
      const name = caseName(alg, server);
      if (cfg.filters && !cfg.filters.some((re) => re.test(name))) continue;
      cases.push({ alg, server, name });
    }
  }
  console.log(describeEnvironment(machine, runtime));
  console.log(
    `server on CPU ${plans.server.pinned ? plans.server.cpu : '(not pinned)'}, autocannon on CPU ${plans.client.pinned ? plans.client.cpu : '(not pinned)'}; ` +
      `-c ${cfg.connections} -d ${cfg.duration} -p ${cfg.pipelining}, warm-up ${cfg.warmup} s, ${cfg.runs} run(s) x ${cfg.passes} pass(es); ` +
      `load average ${machine.loadavg.map((l) => l.toFixed(2)).join(' ')}`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-http-'));
  const results = new Map();
  try {
    const keys = makeKeys();
    for (let pass = 0; pass < cfg.passes; pass++) {
      if (cfg.passes > 1) console.log(`pass ${pass + 1}/${cfg.passes}`);
      // Every other pass runs the servers in reverse order: no server always runs right after the same one.
      for (const c of pass % 2 === 0 ? cases : [...cases].reverse()) {
        const prev = results.get(c.name) ?? {
          alg: c.alg,
          server: c.server,
          name: c.name,
          status: 'ok',
          runs: [],
        };
        if (c.server.algs && !c.server.algs.includes(c.alg)) {
          results.set(c.name, {
            ...prev,
            status: 'unavailable',
            reason: c.server.unavailable?.[c.alg] ?? 'n/a',
          });
          continue;
        }
        console.log(`${c.name}: ${c.server.label}`);
        const r = await runCase(plans, cfg, dir, keys, c.alg, c.server);
        prev.runs.push(...r.runs);
        if (r.status !== 'ok') {
          prev.status = 'failed';
          prev.error = r.error;
        }
        results.set(c.name, prev);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const summaries = [...results.values()].map(summarizeCase);
  const meta = resultsMeta(cfg, { versions });

  const md = reportMarkdown(summaries, meta);
  console.log(`\n${md}`);
  const files = writeResults('http', { meta, cases: summaries }, md, started);
  console.log(`\nresults: ${files.json}, ${files.md}`);
  if (summaries.some((s) => s.status === 'failed')) process.exitCode = 1;
}

await main();
