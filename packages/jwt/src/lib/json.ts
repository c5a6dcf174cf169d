import { JwtError, type JwtErrorCode } from '../errors.js';

const MAX_DEPTH = 32;
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes UTF-8 strictly: invalid sequences throw, and a byte-order mark is kept
 * (so that JSON.parse then refuses it) instead of being silently dropped.
 */
export function decodeUtf8(bytes: Buffer, code: JwtErrorCode, what: string): string {
  const text = bytes.toString('utf8');
  // The lenient decoder marks invalid input with U+FFFD; only then pay for the strict one.
  if (text.indexOf('\uFFFD') === -1) return text;
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    throw new JwtError(code, `${what} is not valid UTF-8`);
  }
}

/**
 * Parses a JSON object strictly: it must be an object, member names must be unique
 * within each object (JSON.parse silently keeps the last duplicate, a parser
 * differential attackers use), no `__proto__` member (prototype pollution), and
 * nesting is capped.
 *
 * Duplicates are found by counting: JSON.parse folds a duplicate into one
 * property, so the parsed value then has fewer members than the text has member
 * names. Both counts are cheap, which keeps this on the verify hot path.
 */
export function parseJsonObject(text: string, code: JwtErrorCode, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new JwtError(code, `${what} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwtError(code, `${what} is not a JSON object`);
  }
  const members = countMembers(value, 1);
  if (members === TOO_DEEP) throw new JwtError(code, `${what} is nested too deeply`);
  if (members === PROTO) throw new JwtError(code, `${what} has a __proto__ member`);
  if (members !== countMemberNames(text)) throw new JwtError(code, `${what} has a duplicate member name`);
  return value as Record<string, unknown>;
}

const TOO_DEEP = -1;
const PROTO = -2;

/** Members of every object in a parsed value, or TOO_DEEP / PROTO. */
function countMembers(value: object, depth: number): number {
  if (depth > MAX_DEPTH) return TOO_DEEP;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item !== 'object' || item === null) continue;
      const inner = countMembers(item, depth + 1);
      if (inner < 0) return inner;
      count += inner;
    }
    return count;
  }
  if (Object.hasOwn(value, '__proto__')) return PROTO;
  // Own names only: `for…in` would also count names a polluted Object.prototype makes enumerable.
  for (const name of Object.keys(value)) {
    count++;
    const item = (value as Record<string, unknown>)[name];
    if (typeof item !== 'object' || item === null) continue;
    const inner = countMembers(item, depth + 1);
    if (inner < 0) return inner;
    count += inner;
  }
  return count;
}

/** Member names in JSON text that JSON.parse accepted: the strings a `:` follows. */
function countMemberNames(text: string): number {
  let count = 0;
  for (let open = text.indexOf('"'); open !== -1; ) {
    const end = closingQuote(text, open);
    let next = end + 1;
    let ch = text.charCodeAt(next);
    while (ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09) ch = text.charCodeAt(++next);
    if (ch === 0x3a) count++;
    open = text.indexOf('"', end + 1);
  }
  return count;
}

/** Index of the quote that closes the string opened at `open`: the first one not escaped by an odd run of backslashes. */
function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (text.charCodeAt(end - 1) === 0x5c) {
    let k = end - 1;
    while (text.charCodeAt(k - 1) === 0x5c) k--;
    if ((end - k) % 2 === 0) break;
    end = text.indexOf('"', end + 1);
  }
  return end;
}
