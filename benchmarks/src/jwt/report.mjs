// Tables and target lines for the JWT micro-benchmarks.
import { fmtOps, fmtRate, fmtRatio, markdownTable } from '../lib/format.mjs';
import { ALGS } from '../lib/keys.mjs';

export const OPS = ['sign', 'verify'];

/** Targets for @tessera/jwt (ratio of medians, ops/s). */
export const TARGETS = [
  { op: 'verify', algs: ['HS256'], variant: 'tessera', against: 'floor', min: 0.9 },
  { op: 'verify', algs: ['HS256'], variant: 'tessera', against: 'fast-jwt', min: 1.15 },
  { op: 'verify', algs: ['RS256', 'ES256', 'EdDSA'], variant: 'tessera', against: 'floor', min: 0.97 },
  { op: 'sign', algs: ['HS256', 'EdDSA'], variant: 'tessera', against: 'floor', min: 0.85 },
  { op: 'verify', algs: ALGS, variant: 'tessera-cache', against: 'fast-jwt-cache', min: 1.0 },
  { op: 'verify', algs: ALGS, variant: 'tessera-cache-fresh', against: 'fast-jwt-cache-fresh', min: 1.0 },
];

export const caseKey = (variant, op, alg) => `${variant}|${op}|${alg}`;

function cell(pooled, variant, op, alg) {
  if (!variant.ops.includes(op) || !variant.algs.includes(alg)) return 'n/a';
  const r = pooled.get(caseKey(variant.id, op, alg));
  if (!r) return '–';
  if (r.status === 'unavailable') return 'pending';
  if (r.status !== 'ok') return 'FAILED';
  let s = fmtRate(r.median);
  const floor = pooled.get(caseKey('floor', op, alg));
  if (variant.id !== 'floor' && floor?.status === 'ok') s += ` ${fmtRatio(r.median / floor.median)}`;
  if (variant.compareTo) {
    const other = pooled.get(caseKey(variant.compareTo, op, alg));
    if (other?.status === 'ok') s += ` / ${fmtRatio(r.median / other.median)}`;
  }
  return r.noisy ? `${s} ~` : s;
}

/** One markdown table for op: variants as rows, algorithms as columns. */
export function opTable(op, variants, pooled) {
  const rows = variants
    .filter((v) => v.ops.includes(op))
    .filter((v) => ALGS.some((alg) => pooled.has(caseKey(v.id, op, alg))))
    .map((v) => [v.label, ...ALGS.map((alg) => cell(pooled, v, op, alg))]);
  return markdownTable(['library', ...ALGS], rows);
}

export function tablesMarkdown(variants, pooled) {
  const out = [];
  for (const op of OPS) {
    if (![...pooled.values()].some((r) => r.op === op)) continue;
    out.push(
      `**${op}**: ops/s (µs/op); ×ratio to the minimal node:crypto JWT (floor) of the same alg and op; ` +
        `@tessera/jwt rows add a second ×ratio, to fast-jwt set up the same way ` +
        `(no cache; cache; cache with a fresh token string per call)`,
      '',
      opTable(op, variants, pooled),
      '',
    );
  }
  if ([...pooled.values()].some((r) => r.noisy)) {
    out.push(
      '~ disturbed: a quarter of the rounds were more than 15% under the median, or the passes ' +
        'differ by more than 10%; rerun that case (--filter) before reading much into it.',
      '',
    );
  }
  return out.join('\n');
}

/** [{ status: 'PASS'|'MISS'|'PENDING'|'FAILED'|'NOT RUN', text }] */
export function evaluateTargets(variants, pooled) {
  const label = (id) => variants.find((v) => v.id === id)?.label ?? id;
  const lines = [];
  for (const t of TARGETS) {
    for (const alg of t.algs) {
      const what = `${alg} ${t.op}: ${label(t.variant)} >= ${t.min.toFixed(2)}x ${label(t.against)}`;
      const ours = pooled.get(caseKey(t.variant, t.op, alg));
      const base = pooled.get(caseKey(t.against, t.op, alg));
      let status;
      let detail = '';
      if (!ours) continue; // not selected in this run
      if (!base) status = 'NOT RUN';
      else if (ours.status === 'unavailable') status = 'PENDING';
      else if (ours.status !== 'ok' || base.status !== 'ok') status = 'FAILED';
      else {
        const ratio = ours.median / base.median;
        status = ratio >= t.min ? 'PASS' : 'MISS';
        detail = ` — ${fmtRatio(ratio)} (${fmtOps(ours.median)} vs ${fmtOps(base.median)} ops/s)`;
        if (ours.noisy || base.noisy) detail += ' (disturbed ~)';
      }
      lines.push({
        status,
        op: t.op,
        alg,
        variant: t.variant,
        against: t.against,
        min: t.min,
        text: what + detail,
      });
    }
  }
  return lines;
}

export function targetsMarkdown(lines) {
  return lines.map((l) => `- **${l.status}** ${l.text}`).join('\n');
}
