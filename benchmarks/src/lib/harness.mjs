// A plain measurement loop on process.hrtime.bigint(): calibrate a batch size,
// warm up, then time fixed-length rounds. One round = as many batches as fit in
// roundMs; its figure is ops / elapsed seconds. Async functions are awaited one
// at a time (one operation in flight), so their figure is 1 / latency.

const NS_PER_MS = 1_000_000n;

/** Harness settings, overridable from the environment. */
export function harnessConfigFromEnv(env = process.env) {
  return {
    rounds: positiveInt(env.BENCH_ROUNDS, 7, 'BENCH_ROUNDS'),
    roundMs: positiveInt(env.BENCH_ROUND_MS, 1000, 'BENCH_ROUND_MS'),
    warmupMs: nonNegativeInt(env.BENCH_WARMUP_MS, 1500, 'BENCH_WARMUP_MS'),
    batchMs: positiveNumber(env.BENCH_BATCH_MS, 2, 'BENCH_BATCH_MS'),
  };
}

function positiveInt(raw, fallback, name) {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

function nonNegativeInt(raw, fallback, name) {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return n;
}

function positiveNumber(raw, fallback, name) {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return n;
}

// Kept outside the loops so results stay observable and the calls cannot be dropped.
let sink;

function runSyncBatch(fn, n) {
  let r;
  for (let i = 0; i < n; i++) r = fn();
  sink = r;
}

async function runAsyncBatch(fn, n) {
  let r;
  for (let i = 0; i < n; i++) r = await fn();
  sink = r;
}

/**
 * Measure fn. Returns { rounds: ops/s per round, batch, warmupOps, calibrationOps }.
 * @param {() => unknown} fn
 * @param {{ async: boolean, rounds: number, roundMs: number, warmupMs: number, batchMs: number }} opts
 */
export async function measure(fn, opts) {
  const isAsync = opts.async;
  const batchNs = BigInt(Math.max(1, Math.round(opts.batchMs * 1e6)));

  // One batch of n calls; returns elapsed ns.
  const timeBatch = isAsync
    ? async (n) => {
        const t0 = process.hrtime.bigint();
        await runAsyncBatch(fn, n);
        return process.hrtime.bigint() - t0;
      }
    : (n) => {
        const t0 = process.hrtime.bigint();
        runSyncBatch(fn, n);
        return process.hrtime.bigint() - t0;
      };

  // Calibrate: double n until a batch takes at least a quarter of the target, then scale.
  let n = 1;
  let calibrationOps = 0;
  for (;;) {
    const t = await timeBatch(n);
    calibrationOps += n;
    if (t * 4n >= batchNs || n >= 1 << 24) {
      n = scaleBatch(n, t, batchNs);
      break;
    }
    n *= 2;
  }

  // Warm up, then re-derive the batch size from the warm rate.
  let warmupOps = 0;
  let warmupNs = 0n;
  const warmupTarget = BigInt(opts.warmupMs) * NS_PER_MS;
  while (warmupNs < warmupTarget) {
    warmupNs += await timeBatch(n);
    warmupOps += n;
  }
  if (warmupOps > 0 && warmupNs > 0n) n = scaleBatch(warmupOps, warmupNs, batchNs);

  const roundNs = BigInt(opts.roundMs) * NS_PER_MS;
  const rounds = [];
  for (let r = 0; r < opts.rounds; r++) {
    let ops = 0;
    const t0 = process.hrtime.bigint();
    let elapsed = 0n;
    while (elapsed < roundNs) {
      if (isAsync) await runAsyncBatch(fn, n);
      else runSyncBatch(fn, n);
      ops += n;
      elapsed = process.hrtime.bigint() - t0;
    }
    rounds.push((ops * 1e9) / Number(elapsed));
  }
  return { rounds, batch: n, warmupOps, calibrationOps, resultType: typeof sink };
}

function scaleBatch(ops, ns, batchNs) {
  if (ns <= 0n) return ops;
  return Math.max(1, Math.round((ops * Number(batchNs)) / Number(ns)));
}
