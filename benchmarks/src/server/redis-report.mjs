// Tables and target lines of `npm run bench:server -- --redis` (after the SQLite refresh table).
import { fmtOps, fmtRatio, markdownTable } from '../lib/format.mjs';
import { median } from '../lib/stats.mjs';
import { summarize } from './report.mjs';

export const REDIS_TARGETS = {
  /** Rotations/s on Redis against the SQLite row of the same run. */
  refreshVsSqlite: 1.5,
  /** Redis memory per session with its live refresh token. */
  bytesPerSession: 400,
};

const LABELS = {
  'tessera/refresh': 'SQLite (WAL), 50 sessions',
  'redis/refresh': 'Redis',
  'redis/refresh-1m': 'Redis',
  'redis/refresh-x1-unpinned': 'Redis, one instance, Redis and load unpinned',
  'redis/refresh-x2': 'Redis, two instances (one per CPU), Redis and load unpinned',
};

const ms = (x) =>
  x === null || x === undefined || Number.isNaN(x)
    ? '–'
    : x >= 100
      ? x.toFixed(0)
      : x >= 10
        ? x.toFixed(1)
        : x.toFixed(2);
const pct = (x) => (x === null || x === undefined || Number.isNaN(x) ? '–' : `${Math.round(x * 100)}%`);
const num = (x, digits = 0) =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : x >= 1000 ? fmtOps(x) : x.toFixed(digits);

/** summarize() plus the Redis columns (medians over runs). */
function summarizeRedis(c) {
  const s = summarize(c);
  const pick = (f) => {
    const values = c.runs.map(f).filter((v) => v !== null && v !== undefined);
    return values.length ? median(values) : null;
  };
  return {
    ...s,
    label: LABELS[c.name] ?? c.name,
    sessions: c.sessionsInRedis ?? null,
    chains: c.chains,
    redisCpuUsPerReq: pick((r) => r.redisCpuUsPerReq),
    redisCpuUse: pick((r) => r.redisCpuUse),
    redisCommandsPerReq: pick((r) => r.redisCommandsPerReq),
    redisScriptsPerReq: pick((r) => r.redisScriptsPerReq),
  };
}

export function redisReportMarkdown(out, meta) {
  const r = out.redis;
  if (!r) return '';
  const set = meta.settings;
  const sqlite = (out.tessera?.cases ?? []).filter((c) => c.name === 'tessera/refresh').map(summarizeRedis);
  const cases = r.cases.map(summarizeRedis);
  const get = (name) => cases.find((c) => c.name === name);
  const small = get('redis/refresh');
  const large = get('redis/refresh-1m');
  const x1 = get('redis/refresh-x1-unpinned');
  const x2 = get('redis/refresh-x2');
  const sq = sqlite[0];
  const lines = [
    '',
    `## Refresh rotation on Redis (redis-server ${meta.versions.redis}, appendonly yes, appendfsync ${r.redis.fsync})`,
    '',
    `One instance pinned to CPU ${meta.pinning.server.cpu ?? '–'}; Redis and the load generator on CPU ${r.redis.cpus ?? '(not pinned)'}; ` +
      `${set.sessions} chains (one POST /auth/refresh in flight each), ${set.warmup} s warm-up, ${set.runs} run(s) of ${set.duration} s, medians. ` +
      'Redis CPU per rotation: INFO cpu (user + sys) delta over the run; commands: INFO commandstats delta, the calls scripts make included (in parentheses: EVALSHA calls).',
    '',
    markdownTable(
      [
        'store',
        'sessions in store',
        'rotations/s',
        'p50 ms',
        'p99 ms',
        'server CPU µs/rotation',
        'Redis CPU µs/rotation',
        'Redis CPU',
        'Redis commands/rotation (scripts)',
        'client CPU',
        'runs',
        'errors',
      ],
      [...sqlite, ...[small, large].filter(Boolean)].map((s) => [
        s.label,
        s.sessions === null ? String(s.chains) : fmtOps(s.sessions),
        fmtOps(s.perSec),
        ms(s.p50),
        ms(s.p99),
        num(s.cpuUsPerReq),
        num(s.redisCpuUsPerReq),
        pct(s.redisCpuUse),
        s.redisCommandsPerReq === null
          ? '–'
          : `${num(s.redisCommandsPerReq, 1)} (${num(s.redisScriptsPerReq, 1)})`,
        pct(s.clientCpuUse),
        String(s.n),
        String(s.failures),
      ]),
    ),
  ];

  const cmp = [];
  if (small && sq) {
    cmp.push([
      'Redis (1,000 sessions) ÷ SQLite, rotations/s',
      fmtOps(small.perSec),
      fmtOps(sq.perSec),
      fmtRatio(small.perSec / sq.perSec),
    ]);
    cmp.push([
      'Redis (1,000 sessions) ÷ SQLite, p99',
      `${ms(small.p99)} ms`,
      `${ms(sq.p99)} ms`,
      fmtRatio(small.p99 / sq.p99),
    ]);
  }
  if (small && large) {
    cmp.push([
      `${fmtOps(large.sessions)} ÷ ${fmtOps(small.sessions)} sessions, rotations/s`,
      fmtOps(large.perSec),
      fmtOps(small.perSec),
      fmtRatio(large.perSec / small.perSec),
    ]);
    cmp.push([
      `${fmtOps(large.sessions)} ÷ ${fmtOps(small.sessions)} sessions, p99`,
      `${ms(large.p99)} ms`,
      `${ms(small.p99)} ms`,
      fmtRatio(large.p99 / small.p99),
    ]);
  }
  if (r.ceiling && (large ?? small)) {
    const t = large ?? small;
    cmp.push([
      'Tessera rotations/s ÷ redis-benchmark rotation-shaped EVALSHA/s (the Redis ceiling)',
      fmtOps(t.perSec),
      fmtOps(r.ceiling.perSec),
      fmtRatio(t.perSec / r.ceiling.perSec),
    ]);
  }
  if (x1 && x2) {
    cmp.push([
      'two instances ÷ one instance (same placement), rotations/s',
      fmtOps(x2.perSec),
      fmtOps(x1.perSec),
      fmtRatio(x2.perSec / x1.perSec),
    ]);
  }
  if (cmp.length) {
    lines.push('', '### Ratios', '', markdownTable(['comparison', 'this', 'against', 'ratio'], cmp));
  }

  if (r.ceiling) {
    const c = r.ceiling;
    lines.push(
      '',
      `### The Redis ceiling: redis-benchmark -c ${c.connections} -n ${fmtOps(c.requests)}, one EVALSHA with a rotation's Redis work, pinned to CPU ${meta.pinning.server.cpu ?? '–'}`,
      '',
      markdownTable(
        ['command', 'per second', 'p50 ms', 'p99 ms'],
        [['EVALSHA (rotation-shaped, 3 keys)', fmtOps(c.perSec), ms(c.p50), ms(c.p99)]],
      ),
    );
  }

  if (x1 && x2) {
    lines.push(
      '',
      '### Two instances sharing Redis',
      '',
      markdownTable(
        [
          'set-up',
          'chains',
          'rotations/s',
          'p50 ms',
          'p99 ms',
          'servers CPU µs/rotation',
          'Redis CPU µs/rotation',
          'Redis CPU',
          'runs',
          'errors',
        ],
        [x1, x2].map((s) => [
          s.label,
          String(s.chains),
          fmtOps(s.perSec),
          ms(s.p50),
          ms(s.p99),
          num(s.cpuUsPerReq),
          num(s.redisCpuUsPerReq),
          pct(s.redisCpuUse),
          String(s.n),
          String(s.failures),
        ]),
      ),
    );
  }

  if (r.memory) {
    const m = r.memory;
    lines.push(
      '',
      '### Redis memory per session (INFO memory delta over the seed)',
      '',
      markdownTable(
        [
          'sessions seeded',
          'used_memory before',
          'used_memory after',
          'bytes per session',
          'dataset bytes per session',
          'keys after',
          'allocator',
        ],
        [
          [
            fmtOps(m.sessions),
            `${(m.usedMemoryBefore / 2 ** 20).toFixed(1)} MiB`,
            `${(m.usedMemoryAfter / 2 ** 20).toFixed(1)} MiB`,
            num(m.bytesPerSession),
            num(m.datasetBytesPerSession),
            fmtOps(m.keys),
            String(m.allocator),
          ],
        ],
      ),
    );
  }

  if (r.memory?.breakdown) {
    const b = r.memory.breakdown;
    const keys = b.parts.reduce((sum, p) => sum + p.bytes, 0);
    lines.push(
      '',
      `Where a session's bytes go (MEMORY USAGE of its keys, mean of ${b.samples} seeded sessions, one session per user; the rest of the INFO delta is its entry in the keyspace and in the expires table, and hash-table slots; its user's list and its purge time are in the SQL session index):`,
      '',
      markdownTable(
        ['key', 'bytes'],
        [
          ...b.parts.map((p) => [p.label, num(p.bytes)]),
          ['sum of the keys', num(keys)],
          ['rest of the INFO delta', num(r.memory.bytesPerSession - keys)],
        ],
      ),
    );
  }

  if (r.propagation?.length) {
    lines.push(
      '',
      '### Revocation propagation: logout on one instance, first refusal by a guard on the other',
      '',
      markdownTable(
        ['guard feed', 'revocations', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'missed'],
        r.propagation.map((p) => [
          p.label,
          String(p.n),
          ms(p.latency.p50),
          ms(p.latency.p90),
          ms(p.latency.p99),
          ms(p.latency.max),
          String(p.missed),
        ]),
      ),
    );
  }

  const targets = [];
  if (small && sq) {
    const ratio = small.perSec / sq.perSec;
    targets.push(
      `- **${ratio >= REDIS_TARGETS.refreshVsSqlite && small.failures === 0 ? 'PASS' : 'MISS'}** refresh rotations on Redis >= ${REDIS_TARGETS.refreshVsSqlite.toFixed(1)}x SQLite, one instance on one core, 0 errors — ` +
        `${fmtRatio(ratio)} (${fmtOps(small.perSec)} vs ${fmtOps(sq.perSec)}/s; p99 ${ms(small.p99)} vs ${ms(sq.p99)} ms)`,
    );
  }
  if (r.memory) {
    const b = r.memory.bytesPerSession;
    targets.push(
      `- **${b <= REDIS_TARGETS.bytesPerSession ? 'PASS' : 'MISS'}** Redis memory <= ${REDIS_TARGETS.bytesPerSession} bytes per session with its live refresh token — ${num(b)} bytes`,
    );
  }
  if (targets.length) lines.push('', '### Redis targets', '', ...targets);
  return lines.join('\n');
}
