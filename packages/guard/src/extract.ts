import { bearerCredentials, schemeCredentials } from '@tessera/jwt/internal';
import type { GuardReason } from './errors.js';

/** Where tokens may come from besides the Authorization header, and the length cap. */
export interface ExtractOptions {
  readonly cookie: string | undefined;
  readonly query: string | undefined;
  readonly maxTokenLength: number;
}

/** Throws the guard's error for a reason; `extractToken` never builds errors itself. */
export type Fail = (reason: GuardReason) => never;

/** Set by extractToken: whether the token came as `Authorization: DPoP` (RFC 9449 §7.1). */
export interface ExtractedScheme {
  dpop: boolean;
}

/**
 * Finds the one access token of a request (RFC 6750 §2): the `Bearer` or
 * `DPoP` Authorization header (scheme case-insensitive; `scheme.dpop` says
 * which), or, when configured, a named cookie or query parameter. Returns
 * undefined when there is none.
 * Malformed credentials, or a token sent by two methods, go to `fail`; so does
 * a token over the length cap, or holding a space. Its other characters are
 * not scanned here: see `isToken68` (@tessera/jwt/internal).
 */
export function extractToken(
  authorization: unknown,
  cookieHeader: unknown,
  url: unknown,
  opts: ExtractOptions,
  fail: Fail,
  scheme?: ExtractedScheme,
): string | undefined {
  let token: string | undefined;
  if (typeof authorization === 'string') {
    if (authorization.length > 0) {
      // Another scheme (`Basic …`) is no bearer credential at all (RFC 6750 §3.1).
      let credentials = bearerCredentials(authorization);
      if (credentials === undefined && scheme !== undefined) {
        credentials = schemeCredentials(authorization, 'dpop');
        if (typeof credentials === 'string') scheme.dpop = true;
      }
      if (credentials === null) fail('ERR_GUARD_MALFORMED_CREDENTIALS');
      token = credentials;
    }
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
