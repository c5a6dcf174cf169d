// Number formatting and markdown tables.

/** 240705.3 -> "240,705" */
export function fmtOps(opsPerSec) {
  return Math.round(opsPerSec).toLocaleString('en-US');
}

/** µs per op with about three significant digits: 0.036, 4.15, 28.6, 302, 1,234 */
export function fmtUs(us) {
  if (us >= 1000) return Math.round(us).toLocaleString('en-US');
  if (us >= 100) return us.toFixed(0);
  if (us >= 10) return us.toFixed(1);
  if (us >= 1) return us.toFixed(2);
  return us.toFixed(3);
}

/** "240,705 (4.15)": ops/s and µs/op */
export function fmtRate(opsPerSec) {
  return `${fmtOps(opsPerSec)} (${fmtUs(1e6 / opsPerSec)})`;
}

export function fmtRatio(r) {
  return `×${r.toFixed(2)}`;
}

export function fmtPct(p) {
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)}%`;
}

/**
 * A GitHub-flavoured markdown table.
 * @param {string[]} header
 * @param {string[][]} rows
 * @param {('left'|'right')[]} [align] per column; default: first left, rest right
 */
export function markdownTable(header, rows, align) {
  const al = align ?? header.map((_, i) => (i === 0 ? 'left' : 'right'));
  const widths = header.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells) =>
    `| ${cells
      .map((c, i) => {
        const s = String(c ?? '');
        return al[i] === 'right' ? s.padStart(widths[i]) : s.padEnd(widths[i]);
      })
      .join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (al[i] === 'right' ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(header), sep, ...rows.map(line)].join('\n');
}
