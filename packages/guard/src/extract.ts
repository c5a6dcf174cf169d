import type { GuardReason } from './errors.js';

/** Where tokens may come from besides the Authorization header, and the length cap. */
export interface ExtractOptions {
  readonly cookie: string | undefined;
  readonly query: string | undefined;
  readonly maxTokenLength: number;
}

/** Throws the guard's error for a reason; `extractToken` never builds errors itself. */
export type Fail = (reason: GuardReason) => never;

/** RFC 6750 §2.1 b64token (RFC 7235 token68). */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
const BEARER = [0x62, 0x65, 0x61, 0x72, 0x65, 0x72]; // "bearer"
const SP = 0x20;

/**
 * Finds the one access token of a request (RFC 6750 §2): the `Bearer`
 * Authorization header (scheme case-insensitive), or, when configured, a
 * named cookie or query parameter. Returns undefined when there is none.
 * Malformed credentials, or a token sent by two methods, go to `fail`; so does
 * a token over the length cap, or holding a space. Its other characters are
 * not scanned here: see `isToken68`.
 */
export function extractToken(
  authorization: unknown,
  cookieHeader: unknown,
  url: unknown,
  opts: ExtractOptions,
  fail: Fail,
): string | undefined {
  let token: string | undefined;
  if (typeof authorization === 'string') {
    if (authorization.length > 0) token = bearerToken(authorization, fail);
  } else if (authorization !== undefined) {
    fail('ERR_GUARD_MALFORMED_CREDENTIALS');
  }
  if (opts.cookie !== undefined && typeof cookieHeader === 'string' && cookieHeader.length > 0) {
    const fromCookie = cookieToken(cookieHeader, opts.cookie, fail);
    if (fromCookie !== undefined) {
      if (token !== undefined) fail('ERR_GUARD_MULTIPLE_TOKENS');
      token = fromCookie;
    }
  }
  if (opts.query !== undefined && typeof url === 'string') {
    const fromQuery = queryToken(url, opts.query, fail);
    if (fromQuery !== undefined) {
      if (token !== undefined) fail('ERR_GUARD_MULTIPLE_TOKENS');
      token = fromQuery;
    }
  }
  if (token === undefined) return undefined;
  if (token.length > opts.maxTokenLength) fail('ERR_JWT_TOO_LONG');
  // One token: a space means two (a memchr, unlike the b64token scan).
  if (token.includes(' ')) fail('ERR_GUARD_MALFORMED_CREDENTIALS');
  return token;
}

/**
 * Whether a token is made of RFC 6750 b64token characters. The guard asks only
 * once a token failed verification, to answer 400 rather than 401: a token that
 * verifies is a compact JWS, base64url and dots, so always b64token, and the
 * scan of its 300 and more characters stays off the path of every good request.
 */
export function isToken68(token: string): boolean {
  return TOKEN68.test(token);
}

/** `Bearer 1*SP token`; another scheme (`Basic …`) is no bearer credential at all (RFC 6750 §3.1). */
function bearerToken(header: string, fail: Fail): string | undefined {
  if (header.length < 6) return undefined;
  for (let i = 0; i < 6; i++) {
    if ((header.charCodeAt(i) | 0x20) !== BEARER[i]) return undefined;
  }
  if (header.length === 6) fail('ERR_GUARD_MALFORMED_CREDENTIALS');
  const next = header.charCodeAt(6);
  // "Bearerish x" is another scheme; "Bearer\tx" or "Bearer,x" is a broken Bearer.
  if (next !== SP) return isTchar(next) ? undefined : fail('ERR_GUARD_MALFORMED_CREDENTIALS');
  let start = 7;
  while (header.charCodeAt(start) === SP) start++;
  if (start === header.length) fail('ERR_GUARD_MALFORMED_CREDENTIALS');
  return header.slice(start);
}

/** RFC 7230 tchar: what a longer scheme name could continue with. */
function isTchar(c: number): boolean {
  if ((c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a)) return true;
  return "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c));
}

/** The value of cookie `name`; an empty value counts as absent (a cleared cookie), two values fail. */
function cookieToken(header: string, name: string, fail: Fail): string | undefined {
  let found: string | undefined;
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end === -1) end = header.length;
    const eq = indexWithin(header, 0x3d, start, end);
    if (eq !== -1 && header.slice(start, eq).trim() === name) {
      let value = header.slice(eq + 1, end).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (value.length > 0) {
        if (found !== undefined) fail('ERR_GUARD_MULTIPLE_TOKENS');
        found = value;
      }
    }
    start = end + 1;
  }
  return found;
}

/** The value of query parameter `name` in a path or URL; present but empty or repeated fails. */
function queryToken(url: string, name: string, fail: Fail): string | undefined {
  const q = url.indexOf('?');
  if (q === -1) return undefined;
  let stop = url.indexOf('#', q);
  if (stop === -1) stop = url.length;
  let found: string | undefined;
  let start = q + 1;
  while (start < stop) {
    let end = url.indexOf('&', start);
    if (end === -1 || end > stop) end = stop;
    const eq = indexWithin(url, 0x3d, start, end);
    const nameEnd = eq === -1 ? end : eq;
    if (url.slice(start, nameEnd) === name) {
      if (found !== undefined) fail('ERR_GUARD_MULTIPLE_TOKENS');
      found = nameEnd === end ? '' : decode(url.slice(eq + 1, end), fail);
      if (found.length === 0) fail('ERR_GUARD_MALFORMED_CREDENTIALS');
    }
    start = end + 1;
  }
  return found;
}

/** `indexOf` bounded to [from, to): an unbounded search per segment would make the scan quadratic. */
function indexWithin(s: string, char: number, from: number, to: number): number {
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === char) return i;
  return -1;
}

function decode(value: string, fail: Fail): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return fail('ERR_GUARD_MALFORMED_CREDENTIALS');
  }
}
