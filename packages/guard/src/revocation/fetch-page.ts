import { CappedReadError, type CappedReadFailure, readCappedText } from '@tessera/jwt/internal';
import { type GuardFailureCode, GuardRuntimeError } from '../failures.js';
import type { RevocationEntry } from './list.js';

/** The feed's cursor: opaque, echoed back as `after`. */
export type Cursor = string | number;

/** One response of `GET /auth/revocations?after=CURSOR`. */
export interface RevocationPage {
  cursor: Cursor;
  revoked: RevocationEntry[];
}

/** How one page is fetched. */
export interface FetchPageOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly headers: Record<string, string>;
  /** Aborts the fetch when the guard closes. */
  readonly signal: AbortSignal;
}

const MAX_CURSOR_LENGTH = 1024;

type FeedCode = Extract<GuardFailureCode, `ERR_GUARD_FEED_${string}`>;

/** A failed poll; the message starts with `revocation feed:` and never holds the response. */
function feedError(code: FeedCode, message: string, cause?: unknown): GuardRuntimeError {
  return new GuardRuntimeError(
    code,
    `revocation feed: ${message}`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Fetches one page of the feed: no redirects, a timeout and a size cap, and a
 * response validated in full before any entry is used (a half-valid page is
 * a failed poll, not a partial update).
 */
export async function fetchRevocationPage(
  base: URL,
  cursor: Cursor | undefined,
  opts: FetchPageOptions,
): Promise<RevocationPage & { unknown: number }> {
  const url = new URL(base);
  if (cursor !== undefined) url.searchParams.set('after', String(cursor));
  // A timer of our own, not AbortSignal.timeout(): a timeout signal held only by AbortSignal.any()
  // can be garbage-collected before it fires, leaving a poll of a silent server hanging for good.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), opts.timeoutMs);
  timer.unref();
  const signal = AbortSignal.any([opts.signal, timeout.signal]);
  try {
    let response: Response;
    try {
      response = await fetch(url, { headers: opts.headers, redirect: 'manual', signal });
    } catch (cause) {
      throw feedError(
        'ERR_GUARD_FEED_UNREACHABLE',
        signal.aborted ? 'the request timed out or was aborted' : 'the request failed',
        cause,
      );
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      throw feedError('ERR_GUARD_FEED_STATUS', `HTTP ${response.status}`);
    }
    return parsePage(await readBody(response, opts.maxBytes));
  } finally {
    clearTimeout(timer);
  }
}

const READ_FAILURES: Record<CappedReadFailure, [FeedCode, string]> = {
  'too-large': ['ERR_GUARD_FEED_TOO_LARGE', 'the response is too large'],
  'read-failed': ['ERR_GUARD_FEED_UNREACHABLE', 'reading the response failed'],
  'not-utf8': ['ERR_GUARD_FEED_INVALID', 'the response is not UTF-8'],
};

async function readBody(response: Response, maxBytes: number): Promise<string> {
  try {
    return await readCappedText(response, maxBytes);
  } catch (err) {
    if (!(err instanceof CappedReadError)) throw err;
    const [code, message] = READ_FAILURES[err.failure];
    throw feedError(code, message, err.failure === 'read-failed' ? err.cause : undefined);
  }
}

/** The target fields of the kinds this guard knows; an entry carries exactly one. */
const TARGETS = ['sid', 'sub', 'all', 'kid'] as const;

/**
 * Validates `{ cursor, revoked: [...] }` in full. An entry of a kind this guard knows (`sid`,
 * `sub`, `all`, `kid`) must be well formed, or the whole page is refused. An entry with none of
 * those fields is of a kind added after this guard was written: it is skipped and counted in
 * `unknown`, so that it never stops the guard from following the feed (the caller reports it).
 */
export function parsePage(text: string): RevocationPage & { unknown: number } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw feedError('ERR_GUARD_FEED_INVALID', 'the response is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw feedError('ERR_GUARD_FEED_INVALID', 'the response is not an object');
  }
  const { cursor, revoked } = value as { cursor?: unknown; revoked?: unknown };
  const cursorOk =
    (typeof cursor === 'string' && cursor.length > 0 && cursor.length <= MAX_CURSOR_LENGTH) ||
    (typeof cursor === 'number' && Number.isFinite(cursor));
  if (!cursorOk) throw feedError('ERR_GUARD_FEED_INVALID', 'cursor must be a string or a number');
  if (!Array.isArray(revoked)) throw feedError('ERR_GUARD_FEED_INVALID', 'revoked must be a list');
  const entries: RevocationEntry[] = [];
  let unknown = 0;
  for (const item of revoked as unknown[]) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw feedError('ERR_GUARD_FEED_INVALID', 'an entry is not an object');
    }
    const entry = parseEntry(item as Record<string, unknown>);
    if (entry === undefined) unknown++;
    else entries.push(entry);
  }
  return { cursor: cursor as Cursor, revoked: entries, unknown };
}

function parseEntry(item: Record<string, unknown>): RevocationEntry | undefined {
  const targets = TARGETS.filter((name) => Object.hasOwn(item, name));
  if (targets.length === 0) return undefined;
  if (targets.length > 1) {
    throw feedError('ERR_GUARD_FEED_INVALID', 'an entry names more than one of sid, sub, all, kid');
  }
  const { expires, before } = item;
  switch (targets[0]) {
    case 'kid':
      if (!isName(item.kid) || !isTime(expires)) {
        throw feedError(
          'ERR_GUARD_FEED_INVALID',
          'a key entry needs kid (string) and expires (epoch seconds)',
        );
      }
      return { kid: item.kid, expires };
    case 'all':
      if (item.all !== true || !isTime(before) || !isTime(expires)) {
        throw feedError(
          'ERR_GUARD_FEED_INVALID',
          'an all entry needs all: true, before and expires (epoch seconds)',
        );
      }
      return { all: true, before, expires };
    default: {
      const name = targets[0] as 'sid' | 'sub';
      const target = item[name];
      if (!isName(target) || !isTime(before) || !isTime(expires)) {
        throw feedError(
          'ERR_GUARD_FEED_INVALID',
          `an entry needs ${name} (string), before and expires (epoch seconds)`,
        );
      }
      return name === 'sid' ? { sid: target, before, expires } : { sub: target, before, expires };
    }
  }
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
