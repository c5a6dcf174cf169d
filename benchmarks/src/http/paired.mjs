// The bench:http targets measured in pairs: the server with the guard and the same
// framework without auth run AT THE SAME TIME on the same pinned core, each loaded
// by its own autocannon on the other core. Whatever slows the shared machine down
// (on these VMs a plain compute loop swings ±40% from one half-second to the next)
// then slows both alike, and their ratio stays: it is the ratio of their CPU costs
// per request. `npm run bench:http` measures each server alone on the core (the
// reference method, see benchmarks/README.md); this is the cross-check for targets tighter than that noise.
// After the targets come reference pairs (cases.mjs REFERENCES): the floor of any Express
// middleware that sets req.auth, and the guard against that floor.
//
//   npm run bench:http:paired
//   BENCH_ROUNDS=3 BENCH_DURATION=3 BENCH_WARMUP=1 npm run bench:http:paired   # smoke run
//   BENCH_FILTER=express npm run bench:http:paired
//
// Environment: BENCH_ROUNDS (7; each round starts both servers afresh, the order
// alternating), BENCH_DURATION (10 s), BENCH_WARMUP (3 s), BENCH_CONNECTIONS (25 per
// server), BENCH_ALGS (HS256,EdDSA), BENCH_FILTER (regex on "ALG/target", or on
// "ALG/target vs base" for references), BENCH_CPU (1), BENCH_CLIENT_CPU (0), BENCH_NO_PIN=1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envFilters, envInt } from '../lib/env.mjs';
import { fmtOps, fmtRatio, fmtUs, markdownTable } from '../lib/format.mjs';
import { runAutocannon } from '../lib/load.mjs';
import { describeEnvironment } from '../lib/machine.mjs';
import { writeResults } from '../lib/results.mjs';
import { startLoadRun } from '../lib/run-context.mjs';
import { median } from '../lib/stats.mjs';
import { ALGS, REFERENCES, SERVERS, TARGETS } from './cases.mjs';
import { makeKeys, probe, startCaseServer } from './fixtures.mjs';

const byId = (id) => SERVERS.find((s) => s.id === id);

function settings(env = process.env) {
  const algs = (env.BENCH_ALGS ?? ALGS.join(',')).split(',').filter(Boolean);
  for (const a of algs) if (!ALGS.includes(a)) throw new Error(`BENCH_ALGS: unknown alg ${a}`);
  return {
    rounds: envInt('BENCH_ROUNDS', 7),
    duration: envInt('BENCH_DURATION', 10),
    warmup: envInt('BENCH_WARMUP', 3, { min: 0 }),
    connections: envInt('BENCH_CONNECTIONS', 25),
    algs,
    filters: envFilters('BENCH_FILTER'),
  };
}

/** One round: both servers up, probed, warmed and loaded at once; CPU µs/req and req/s of each. */
async function round(plans, cfg, dir, keys, alg, pair, flip) {
  const order = flip ? [pair.candidate, pair.base] : [pair.base, pair.candidate];
  const started = [];
  try {
    for (const server of order) {
      const s = await startCaseServer(plans.server, dir, keys, alg, server, `${alg}/${server.id}`);
      started.push({ server, ...s });
      await probe(s.port, server, s.claims, s.tokens);
    }
    const load = (s, duration) =>
      runAutocannon(plans.client, {
        url: `http://127.0.0.1:${s.port}/profile`,
        connections: cfg.connections,
        duration,
        headers: { authorization: `Bearer ${s.tokens.valid}` },
        serverPid: s.proc.pid,
      });
    if (cfg.warmup > 0) await Promise.all(started.map((s) => load(s, cfg.warmup)));
    const runs = await Promise.all(started.map((s) => load(s, cfg.duration)));
    const of = (server) => {
      const run = runs[started.findIndex((s) => s.server === server)];
      if (run.non2xx + run.errors + run.timeouts > 0) throw new Error(`${server.id}: non-2xx or errors`);
      return { reqPerSec: run.reqPerSec, cpuUsPerReq: run.cpuUsPerReq };
    };
    return { base: of(pair.base), candidate: of(pair.candidate) };
  } finally {
    for (const s of started) await s.proc.stop();
  }
}

function summarize(pair, rounds) {
  const ratios = rounds.map((r) => r.candidate.reqPerSec / r.base.reqPerSec);
  const costs = rounds.map((r) => r.base.cpuUsPerReq / r.candidate.cpuUsPerReq);
  const ratio = median(ratios);
  return {
    ...pair,
    rounds,
    ratio,
    cpuRatio: median(costs),
    low: Math.min(...ratios),
    high: Math.max(...ratios),
    baseUs: median(rounds.map((r) => r.base.cpuUsPerReq)),
    candidateUs: median(rounds.map((r) => r.candidate.cpuUsPerReq)),
    baseReqPerSec: median(rounds.map((r) => r.base.reqPerSec)),
    candidateReqPerSec: median(rounds.map((r) => r.candidate.reqPerSec)),
    pass: pair.min === undefined ? undefined : ratio >= pair.min,
  };
}

function report(results, meta) {
  const rows = results.map((r) => [
    `${r.alg}: ${r.candidate.label} vs ${r.base.label}`,
    String(r.rounds.length),
    fmtRatio(r.ratio),
    `${fmtRatio(r.low)}–${fmtRatio(r.high)}`,
    fmtRatio(r.cpuRatio),
    `${fmtUs(r.candidateUs)} vs ${fmtUs(r.baseUs)}`,
    `${fmtOps(r.candidateReqPerSec)} vs ${fmtOps(r.baseReqPerSec)}`,
    r.min === undefined ? 'reference' : `>= ${r.min.toFixed(2)}: ${r.pass ? 'PASS' : 'MISS'}`,
  ]);
  return [
    `# HTTP, paired (npm run bench:http:paired), ${meta.started}`,
    '',
    `${describeEnvironment(meta.machine, meta.runtime)}; load average at start ${meta.machine.loadavg
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )}, at end ${meta.loadavgEnd.map((l) => l.toFixed(2)).join(' ')}; git ${meta.git?.commit?.slice(0, 7)}.`,
    `Both servers of a pair on CPU ${meta.pinning.server.cpu ?? '–'} at once, one autocannon each on CPU ${meta.pinning.client.cpu ?? '–'} ` +
      `(-c ${meta.settings.connections} -d ${meta.settings.duration}, ${meta.settings.warmup} s warm-up); ` +
      `${meta.settings.rounds} rounds, fresh processes each, order alternating. Ratio = req/s of the first server of a pair over the second's in the same round; median over rounds. Reference pairs have no target.`,
    ...(meta.warnings.length ? ['', ...meta.warnings.map((w) => `Warning: ${w}`)] : []),
    '',
    markdownTable(
      [
        'pair',
        'rounds',
        'req/s ratio (median)',
        'rounds range',
        'CPU µs/req ratio',
        'CPU µs/req',
        'req/s (each, sharing the core)',
        'target',
      ],
      rows,
    ),
  ].join('\n');
}

async function main() {
  const cfg = settings();
  const { plans, started, machine, runtime, meta: resultsMeta } = startLoadRun(['jwt', 'guard']);
  // A reference has no `min`, and its name also says its base.
  const named = [...TARGETS.map((t) => [t, t.id]), ...REFERENCES.map((t) => [t, `${t.id} vs ${t.base}`])];
  const pairs = cfg.algs.flatMap((alg) =>
    named.map(([t, name]) => ({
      alg,
      name: `${alg}/${name}`,
      base: byId(t.base),
      candidate: byId(t.id),
      min: t.min,
    })),
  );
  const selected = pairs.filter((p) => !cfg.filters || cfg.filters.some((re) => re.test(p.name)));
  console.log(describeEnvironment(machine, runtime));
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-paired-'));
  const results = [];
  try {
    const keys = makeKeys();
    for (const pair of selected) {
      const rounds = [];
      for (let i = 0; i < cfg.rounds; i++) {
        const r = await round(plans, cfg, dir, keys, pair.alg, pair, i % 2 === 1);
        rounds.push(r);
        console.log(
          `  ${pair.name.padEnd(36)} round ${i + 1}/${cfg.rounds}: ` +
            `${fmtRatio(r.candidate.reqPerSec / r.base.reqPerSec)} req/s ` +
            `(${fmtUs(r.candidate.cpuUsPerReq)} vs ${fmtUs(r.base.cpuUsPerReq)} µs/req)`,
        );
      }
      results.push(summarize(pair, rounds));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const meta = resultsMeta(cfg);

  const md = report(results, meta);
  console.log(`\n${md}`);
  const files = writeResults('http-paired', { meta, results }, md, started);
  console.log(`\nresults: ${files.json}, ${files.md}`);
}

await main();
