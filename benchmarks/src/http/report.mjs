// Tables and target lines of `npm run bench:http`.
import { fmtOps, fmtRatio, fmtUs, markdownTable } from '../lib/format.mjs';
import { describeEnvironment, dirtyNote } from '../lib/machine.mjs';
import { median } from '../lib/stats.mjs';
import { ALGS, SERVERS, TARGETS } from './cases.mjs';

/** Medians over the runs of one case. */
export function summarizeCase(result) {
  const { server, runs } = result;
  const base = {
    name: result.name,
    alg: result.alg,
    id: server.id,
    label: server.label,
    base: server.base,
    cache: server.cache ?? null,
    status: result.status,
    reason: result.reason ?? result.error ?? null,
    n: runs.length,
    runs,
  };
  if (runs.length === 0) return { ...base, status: result.status === 'ok' ? 'failed' : result.status };
  const pick = (f) => median(runs.map(f).filter((v) => v !== null && v !== undefined));
  return {
    ...base,
    reqPerSec: pick((r) => r.reqPerSec),
    reqPerSecMin: Math.min(...runs.map((r) => r.reqPerSec)),
    reqPerSecMax: Math.max(...runs.map((r) => r.reqPerSec)),
    p50: pick((r) => r.latency.p50),
    p99: pick((r) => r.latency.p99),
    cpuUsPerReq: pick((r) => r.cpuUsPerReq),
    serverCpuUse: pick((r) => r.serverCpuUse),
    clientCpuUse: pick((r) => r.clientCpuUse),
    failures: runs.reduce((a, r) => a + r.non2xx + r.errors + r.timeouts, 0),
  };
}

const pct = (x) => (x === null || x === undefined || Number.isNaN(x) ? '–' : `${Math.round(x * 100)}%`);

function find(summaries, alg, id) {
  return summaries.find((s) => s.alg === alg && s.id === id && s.status === 'ok' && s.n > 0);
}

function table(summaries, alg) {
  const ceiling = find(summaries, alg, 'node');
  const rows = [];
  const notes = [];
  for (const server of SERVERS) {
    const s = summaries.find((x) => x.alg === alg && x.id === server.id);
    if (s === undefined) continue;
    if (s.status === 'unavailable') {
      rows.push([s.label, 'n/a', '', '', '', '', '', '', '', '', '0', '']);
      notes.push(`${s.label}: n/a, ${s.reason}.`);
      continue;
    }
    if (s.status !== 'ok' || s.n === 0) {
      rows.push([s.label, 'FAILED', '', '', '', '', '', '', '', '', String(s.n), '']);
      notes.push(`${s.label}: FAILED: ${s.reason}`);
      continue;
    }
    const base = find(summaries, alg, s.base);
    const vsBase =
      base && s.id !== s.base ? fmtRatio(s.reqPerSec / base.reqPerSec) : s.id === s.base ? '×1.00' : '–';
    const vsCeiling = ceiling ? fmtRatio(s.reqPerSec / ceiling.reqPerSec) : '–';
    const authUs =
      base && s.id !== s.base && s.cpuUsPerReq !== null && base.cpuUsPerReq !== null
        ? s.cpuUsPerReq > base.cpuUsPerReq
          ? fmtUs(s.cpuUsPerReq - base.cpuUsPerReq)
          : '≈0'
        : s.id === s.base
          ? '–'
          : '?';
    rows.push([
      s.label,
      fmtOps(s.reqPerSec),
      String(s.p50),
      String(s.p99),
      vsBase,
      vsCeiling,
      s.cpuUsPerReq === null || Number.isNaN(s.cpuUsPerReq) ? '–' : fmtUs(s.cpuUsPerReq),
      authUs,
      pct(s.serverCpuUse),
      pct(s.clientCpuUse),
      String(s.n),
      String(s.failures),
    ]);
  }
  const md = markdownTable(
    [
      'server',
      'req/s (median)',
      'p50 ms',
      'p99 ms',
      '× same framework, no auth',
      '× raw node:http',
      'server CPU µs/req',
      'auth µs/req',
      'server CPU',
      'client CPU',
      'runs',
      'non-2xx+errors',
    ],
    rows,
  );
  return notes.length ? `${md}\n\n${notes.join('\n')}` : md;
}

/** PASS/MISS lines, on req/s of the guard as shipped (cache on); the cache: false row and the anchor are printed beside it. */
export function evaluateTargets(summaries, algs) {
  const out = [];
  for (const alg of algs) {
    for (const t of TARGETS) {
      const s = find(summaries, alg, t.id);
      const base = find(summaries, alg, t.base);
      if (!s || !base) continue;
      const ratio = s.reqPerSec / base.reqPerSec;
      const cpuRatio = base.cpuUsPerReq / s.cpuUsPerReq;
      const uncached = t.uncached ? find(summaries, alg, t.uncached) : undefined;
      const anchor = t.anchor ? find(summaries, alg, t.anchor) : undefined;
      out.push({
        alg,
        id: t.id,
        label: s.label,
        baseLabel: base.label,
        min: t.min,
        ratio,
        cpuRatio,
        pass: ratio >= t.min,
        reqPerSec: s.reqPerSec,
        baseReqPerSec: base.reqPerSec,
        uncached: uncached ? { label: uncached.label, ratio: uncached.reqPerSec / base.reqPerSec } : null,
        anchor: anchor ? { label: anchor.label, ratio: anchor.reqPerSec / base.reqPerSec } : null,
      });
    }
  }
  return out;
}

export function targetLines(targets) {
  return targets.map((t) => {
    const extra = [
      `CPU µs/req ratio ${fmtRatio(t.cpuRatio)}`,
      t.uncached ? `cache: false: ${fmtRatio(t.uncached.ratio)}` : null,
      t.anchor ? `${t.anchor.label}: ${fmtRatio(t.anchor.ratio)}` : null,
    ].filter(Boolean);
    return (
      `- **${t.pass ? 'PASS' : 'MISS'}** ${t.alg}: ${t.label} >= ${t.min.toFixed(2)}x ${t.baseLabel} — ` +
      `${fmtRatio(t.ratio)} (${fmtOps(t.reqPerSec)} vs ${fmtOps(t.baseReqPerSec)} req/s; ${extra.join('; ')})`
    );
  });
}

export function reportMarkdown(summaries, meta) {
  const algs = ALGS.filter((a) => summaries.some((s) => s.alg === a));
  const s = meta.settings;
  const lines = [
    `# HTTP: GET /profile (npm run bench:http), ${meta.started}`,
    '',
    `${describeEnvironment(meta.machine, meta.runtime)}; load average at start ${meta.machine.loadavg
      .map((l) => l.toFixed(2))
      .join(' ')}, at end ${meta.loadavgEnd.map((l) => l.toFixed(2)).join(' ')}.`,
    `Server pinned to CPU ${meta.pinning.server.cpu ?? '–'}, autocannon ${meta.versions.autocannon} pinned to CPU ${meta.pinning.client.cpu ?? '–'}: ` +
      `-c ${s.connections} -d ${s.duration} -p ${s.pipelining}, ${s.warmup} s warm-up discarded, ${s.runs} run(s) x ${s.passes} pass(es) per server; ` +
      'req/s, p50, p99, CPU = medians over runs.',
    `Built packages: guard ${meta.builds?.guard?.dist}, jwt ${meta.builds?.jwt?.dist}; git ${meta.git?.commit?.slice(0, 7)}` +
      `${dirtyNote(meta.git)}.`,
    `Versions: ${Object.entries(meta.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    ...(meta.warnings.length ? ['', ...meta.warnings.map((w) => `Warning: ${w}`)] : []),
  ];
  for (const alg of algs) {
    lines.push('', `## ${alg} Bearer token`, '', table(summaries, alg));
  }
  const targets = evaluateTargets(summaries, algs);
  if (targets.length)
    lines.push(
      '',
      '## Targets (guard as shipped, verified-token cache on; req/s ratio of medians)',
      '',
      ...targetLines(targets),
    );
  return lines.join('\n');
}
