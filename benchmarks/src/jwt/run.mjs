// JWT sign/verify micro-benchmarks: @tessera/jwt against jose, jsonwebtoken,
// fast-jwt and a hand-written node:crypto floor. Method:
// benchmarks/README.md. Every case runs in its own Node process pinned to one
// CPU, one after another.
//
//   npm run bench                                  # full suite, one pass
//   npm run bench -- --filter HS256                # cases whose name matches (regex, case-insensitive)
//   npm run bench -- --filter verify --filter tessera   # several filters: all must match
//   npm run bench -- --list                        # list the case names
//   (from the repository root npm keeps --flags for itself: use bare filters there,
//   `npm run bench -- HS256 verify`, or BENCH_FILTER=HS256)
//   BENCH_PASSES=2 npm run bench                   # run the suite twice and pool the rounds
//   BENCH_ROUNDS=3 BENCH_ROUND_MS=300 BENCH_WARMUP_MS=300 npm run bench   # quick run
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtOps, fmtPct, fmtUs } from '../lib/format.mjs';
import { harnessConfigFromEnv } from '../lib/harness.mjs';
import { ALGS, createKeySetFile, tokenSecondsLeft } from '../lib/keys.mjs';
import { describeEnvironment, gitInfo, machineInfo, packageVersion, runtimeInfo } from '../lib/machine.mjs';
import { pinningPlan, runNode } from '../lib/process.mjs';
import { otherBenchmarks } from '../lib/quiet.mjs';
import { median, summarize } from '../lib/stats.mjs';
import { variants } from './cases/index.mjs';
import { caseKey, evaluateTargets, OPS, tablesMarkdown, targetsMarkdown } from './report.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const BENCH_DIR = join(HERE, '..', '..');
const CASE_SCRIPT = join(HERE, 'case.mjs');
const LIBRARIES = ['@tessera/jwt', 'fast-jwt', 'jsonwebtoken', 'jose'];

const USAGE = `usage: npm run bench -- [--filter] REGEX... [--no-baselines] [--list]

  --filter REGEX   run only cases whose name (ALG/op/variant, e.g. HS256/verify/fast-jwt-cache)
                   matches REGEX (case-insensitive); repeat to require several; a comma separates
                   alternatives (--filter HS256,ES256); a bare REGEX is the same as --filter REGEX
  --no-baselines   do not add the floor and fast-jwt cases that the selected cases are compared to
  --list           print the selected case names and exit

environment: BENCH_FILTER (one more filter) BENCH_PASSES (1) BENCH_ROUNDS (7) BENCH_ROUND_MS (1000) BENCH_WARMUP_MS (1500)
             BENCH_BATCH_MS (2) BENCH_CPU (1) BENCH_NO_PIN=1 BENCH_WAIT_OTHERS_S (900)
             BENCH_TESSERA_JWT (path to another @tessera/jwt build's index.js)`;

function parseArgs(argv) {
  const opts = { filters: [], baselines: true, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--filter' || a === '-f') {
      if (argv[i + 1] === undefined) throw new Error('--filter needs a value');
      opts.filters.push(argv[++i]);
    } else if (a.startsWith('--filter=')) opts.filters.push(a.slice('--filter='.length));
    else if (a === '--no-baselines') opts.baselines = false;
    else if (a === '--list') opts.list = true;
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (a.startsWith('-')) throw new Error(`unknown argument ${a}\n${USAGE}`);
    // A bare word is a filter too: from the repository root, npm swallows --filter
    // (`npm run bench -- --filter HS256` arrives here as just `HS256`).
    else opts.filters.push(a);
  }
  if (process.env.BENCH_FILTER) opts.filters.push(process.env.BENCH_FILTER);
  return opts;
}

function allCases() {
  const cases = [];
  for (const op of OPS) {
    for (const alg of ALGS) {
      for (const v of variants) {
        if (v.ops.includes(op) && v.algs.includes(alg))
          cases.push({ variant: v.id, op, alg, name: `${alg}/${op}/${v.id}` });
      }
    }
  }
  return cases;
}

function selectCases(filters, withBaselines) {
  const cases = allCases();
  if (filters.length === 0) return cases;
  const res = filters.map((f) => f.split(',').map((alt) => new RegExp(alt, 'i')));
  const chosen = new Set(cases.filter((c) => res.every((alts) => alts.some((re) => re.test(c.name)))));
  if (withBaselines) {
    for (const c of [...chosen]) {
      const base = c.variant.endsWith('-cache')
        ? ['floor', 'fast-jwt', 'fast-jwt-cache']
        : ['floor', 'fast-jwt'];
      for (const b of cases) if (b.op === c.op && b.alg === c.alg && base.includes(b.variant)) chosen.add(b);
    }
  }
  return cases.filter((c) => chosen.has(c));
}

function stamp(d) {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

async function runCase(plan, c, spec, timeoutMs) {
  const outPath = spec.outPath;
  const { code, signal, stderr } = await runNode(plan, CASE_SCRIPT, [JSON.stringify(spec)], { timeoutMs });
  if (existsSync(outPath)) {
    const result = JSON.parse(readFileSync(outPath, 'utf8'));
    if (stderr.trim()) result.stderr = stderr.trim().slice(-2000);
    return result;
  }
  return {
    variant: c.variant,
    op: c.op,
    alg: c.alg,
    status: 'failed',
    stage: 'process',
    error: `case process exited with ${signal ?? code} and wrote no result: ${stderr.trim().slice(-2000)}`,
  };
}

/**
 * Before each case: if another benchmark run (http, server, another jwt) is going,
 * wait for it to finish, up to maxS seconds. Returns how many were still running.
 */
async function waitForOtherBenchmarks(maxS) {
  let others = otherBenchmarks();
  if (others.length === 0 || maxS <= 0) return others.length;
  console.warn(
    `[bench] another benchmark is running; waiting up to ${maxS} s for it:\n  ${others.join('\n  ')}`,
  );
  const deadline = Date.now() + maxS * 1000;
  while (others.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5000));
    others = otherBenchmarks();
  }
  if (others.length > 0) console.warn('[bench] still running; going on, this case will be noisy');
  return others.length;
}

function progressLine(result) {
  if (result.status === 'unavailable') return `pending: ${result.reason}`;
  if (result.status !== 'ok') return `FAILED (${result.stage}): ${String(result.error).split('\n')[0]}`;
  const s = summarize(result.rounds);
  return `${fmtOps(s.median).padStart(9)} ops/s (${fmtUs(1e6 / s.median)} µs)   rounds ${fmtPct(s.lowPct)} / ${fmtPct(s.highPct)}   batch ${result.batch}`;
}

/** Pool every pass's rounds per case; the figure is the median of the pooled rounds. */
function pool(runs) {
  const pooled = new Map();
  for (const r of runs) {
    const key = caseKey(r.variant, r.op, r.alg);
    const p = pooled.get(key) ?? {
      variant: r.variant,
      op: r.op,
      alg: r.alg,
      status: 'ok',
      rounds: [],
      passes: [],
    };
    p.passes.push(r);
    if (r.status === 'ok') p.rounds.push(...r.rounds);
    else if (p.status === 'ok' || r.status === 'failed') {
      p.status = r.status;
      p.reason = r.reason ?? r.error;
    }
    pooled.set(key, p);
  }
  for (const p of pooled.values()) {
    if (p.status !== 'ok') continue;
    Object.assign(p, summarize(p.rounds));
    // Disturbed: a quarter of the rounds 15% under the median, or passes 10% apart.
    const low = p.rounds.filter((x) => x < 0.85 * p.median).length;
    const passMedians = p.passes.map((r) => median(r.rounds));
    const passSpread = Math.max(...passMedians) / Math.min(...passMedians);
    p.noisy = low * 4 > p.rounds.length || passSpread > 1.1;
  }
  return pooled;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const harness = harnessConfigFromEnv();
  const passesRaw = process.env.BENCH_PASSES ?? '1';
  const passes = Number(passesRaw);
  if (!Number.isInteger(passes) || passes < 1) throw new Error(`BENCH_PASSES must be a positive integer`);
  const waitOthersS = Number(process.env.BENCH_WAIT_OTHERS_S ?? 900);
  if (!Number.isFinite(waitOthersS) || waitOthersS < 0) throw new Error('BENCH_WAIT_OTHERS_S must be >= 0');
  const cases = selectCases(opts.filters, opts.baselines);
  if (opts.list) {
    for (const c of cases) console.log(c.name);
    return;
  }
  if (cases.length === 0) throw new Error(`no case matches ${opts.filters.join(' and ')} (try --list)`);

  const plan = pinningPlan();
  if (plan.warning) console.warn(`WARNING: ${plan.warning}`);
  const machine = machineInfo();
  const runtime = runtimeInfo();
  const versions = Object.fromEntries(LIBRARIES.map((n) => [n, packageVersion(n, BENCH_DIR)]));
  const perCaseS = (harness.warmupMs + harness.rounds * harness.roundMs) / 1000 + 0.6;
  const estimateMin = (cases.length * passes * perCaseS) / 60;
  console.log(describeEnvironment(machine, runtime));
  console.log(
    `${Object.entries(versions)
      .map(([n, v]) => `${n} ${v ?? '(missing)'}`)
      .join(', ')}`,
  );
  console.log(
    `${cases.length} cases × ${passes} pass(es); ${harness.rounds} rounds × ${harness.roundMs} ms after ` +
      `${harness.warmupMs} ms warm-up; ${plan.pinned ? `pinned to CPU ${plan.cpu}` : 'NOT pinned'}; ` +
      `about ${estimateMin.toFixed(1)} min`,
  );
  if (machine.loadavg[0] > 0.5) {
    console.warn(
      `WARNING: load average is ${machine.loadavg[0].toFixed(2)}; other work on this machine adds noise`,
    );
  }

  const keySet = createKeySetFile();
  const cleanup = () => keySet.cleanup();
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  const runs = [];
  const startedAt = new Date();
  try {
    const timeoutMs = (perCaseS + 60) * 1000;
    const width = Math.max(...cases.map((c) => c.name.length));
    for (let pass = 1; pass <= passes; pass++) {
      for (const [i, c] of cases.entries()) {
        const spec = {
          variant: c.variant,
          op: c.op,
          alg: c.alg,
          keySetPath: keySet.path,
          outPath: join(keySet.dir, `result-${pass}-${i}.json`),
          harness: { ...harness },
        };
        const othersAtStart = await waitForOtherBenchmarks(waitOthersS);
        if (tokenSecondsLeft(keySet.data.payload) < perCaseS + 60) {
          throw new Error('the reference tokens are about to expire; run fewer passes or shorter rounds');
        }
        const load1 = loadavg()[0];
        const result = await runCase(plan, c, spec, timeoutMs);
        result.pass = pass;
        result.loadavgAtStart = load1;
        result.otherBenchmarksAtStart = othersAtStart;
        runs.push(result);
        const tag =
          passes > 1 ? `[${pass}/${passes} ${i + 1}/${cases.length}]` : `[${i + 1}/${cases.length}]`;
        console.log(`${tag} ${c.name.padEnd(width)} ${progressLine(result)}`);
      }
    }
  } finally {
    cleanup();
  }
  const finishedAt = new Date();

  const pooled = pool(runs);
  const targets = evaluateTargets(variants, pooled);
  const roundsPerCase = harness.rounds * passes;
  const md = [
    `## JWT micro-benchmarks — ${startedAt.toISOString().slice(0, 10)}`,
    '',
    describeEnvironment(machine, runtime) + '  ',
    `${Object.entries(versions)
      .map(([n, v]) => `${n} ${v ?? '(missing)'}`)
      .join(', ')}  `,
    `${passes} pass(es) × ${harness.rounds} rounds of ${harness.roundMs} ms after ${harness.warmupMs} ms warm-up; ` +
      `figure = median of ${roundsPerCase} pooled rounds; ${plan.pinned ? `each case pinned to CPU ${plan.cpu}` : 'NOT pinned'}.`,
    ...(opts.filters.length > 0 ? [`Filter: ${opts.filters.join(' and ')}.`] : []),
    '',
    tablesMarkdown(variants, pooled),
    'Targets (differences under about 10% are noise on this VM):',
    '',
    targetsMarkdown(targets),
    '',
  ].join('\n');

  const failures = [...pooled.values()].filter((p) => p.status === 'failed');
  console.log(`\n${md}`);
  for (const f of failures) console.log(`FAILED ${f.alg}/${f.op}/${f.variant}: ${f.reason}`);

  const resultsDir = join(BENCH_DIR, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const base = join(resultsDir, `jwt-${stamp(startedAt)}`);
  const json = {
    suite: 'jwt',
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    filters: opts.filters,
    harness: { ...harness, passes },
    pinning: plan,
    machine: { ...machine, loadavgAtEnd: machineInfo().loadavg },
    runtime,
    versions,
    git: gitInfo(BENCH_DIR, ['packages/jwt', 'benchmarks']),
    payload: keySet.data.payload,
    tokenBytes: Object.fromEntries(ALGS.map((a) => [a, keySet.data.tokens[a].valid.length])),
    results: [...pooled.values()].map(({ passes: ps, ...rest }) => ({
      ...rest,
      label: variants.find((v) => v.id === rest.variant)?.label,
      perPass: ps.map((r) => ({
        pass: r.pass,
        status: r.status,
        rounds: r.rounds,
        batch: r.batch,
        loadavgAtStart: r.loadavgAtStart,
        otherBenchmarksAtStart: r.otherBenchmarksAtStart,
        error: r.error ?? r.reason,
      })),
    })),
    targets,
  };
  writeFileSync(`${base}.json`, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(`${base}.md`, md);
  console.log(`raw results: ${relative(process.cwd(), `${base}.json`)} (and .md)`);
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
