/**
 * What a terminal must never receive raw: C0 controls (ESC starts escape sequences), DEL, C1
 * controls (U+009B is a one-byte CSI), line and paragraph separators, and every format character
 * (Cf: bidi overrides and isolates, U+200E/F, U+061C, zero-width U+200B–200D, U+2060, U+FEFF, …).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
/** The same minus what JSON.stringify already escapes (C0, the quote and backslash are escaped as JSON). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\p{Cf}\u2028\u2029]/gu;

/** `\\uXXXX` for each UTF-16 unit, so an astral format character (U+E0001…) stays valid JSON. */
function escapeUnsafeJson(text: string): string {
  return text.replace(UNSAFE_IN_JSON, (c) =>
    [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}

/**
 * Text for a terminal: every control, bidi and invisible format character becomes a visible
 * `\u{…}`, so a stored value (an email a visitor registered, a name from a token) can't move the
 * cursor, hide rows, set the window title or reorder what the operator reads.
 *
 * @example
 * safeText('ada\u001b]0;pwned\u0007@example.com'); // 'ada\\u{1b}]0;pwned\\u{7}@example.com'
 */
export function safeText(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}

/**
 * JSON for a terminal: like `JSON.stringify`, with every control and
 * bidi-override character escaped, so a hostile token can't drive the terminal.
 * The output is still valid JSON.
 *
 * @example
 * safeJson({ alg: 'none' }, 2);
 */
export function safeJson(value: unknown, indent?: number): string {
  return escapeUnsafeJson(JSON.stringify(value, null, indent));
}

/**
 * A short, quoted, terminal-safe rendering of a value taken from a token.
 *
 * @example
 * quote('nOnE'); // '"nOnE"'
 */
export function quote(value: unknown, max = 60): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return safeJson(text.length > max ? `${text.slice(0, max)}…` : text);
}

/**
 * A duration in seconds as `45s`, `10m`, `2h 30m` or `7d 4h`.
 *
 * @example
 * formatDuration(5400); // '1h 30m'
 */
export function formatDuration(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return rest > 0 ? `${m}m ${rest}s` : `${m}m`;
  return `${rest}s`;
}

/**
 * An epoch-seconds claim as an ISO date with how far it is from now.
 *
 * @example
 * describeEpoch(1716239022, 1716238422); // '2024-05-20T21:03:42.000Z (in 10m)'
 */
export function describeEpoch(epochSeconds: number, nowSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  if (!Number.isFinite(date.getTime())) return 'not a valid time';
  const delta = epochSeconds - nowSeconds;
  const relative = delta >= 0 ? `in ${formatDuration(delta)}` : `${formatDuration(delta)} ago`;
  return `${date.toISOString()} (${relative})`;
}

/**
 * An epoch-milliseconds time as ISO, or `-` for none.
 *
 * @example
 * isoOrDash(null); // '-'
 */
export function isoOrDash(epochMs: number | null | undefined): string {
  return epochMs === null || epochMs === undefined ? '-' : new Date(epochMs).toISOString();
}

/**
 * A plain text table: a header row, then one row per record, columns padded. Every cell goes
 * through {@link safeText}, whatever the store holds.
 *
 * @example
 * table(['kid', 'state'], [['abc', 'active']]);
 */
export function table(headers: string[], unsafeRows: string[][]): string {
  const rows = unsafeRows.map((row) => row.map(safeText));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
