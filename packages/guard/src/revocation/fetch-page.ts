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
): Promise<RevocationPage> {
  const url = new URL(base);
  if (cursor !== undefined) url.searchParams.set('after', String(cursor));
  const signal = AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)]);
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

/** Validates `{ cursor, revoked: [{ sid, before, expires }] }`. */
export function parsePage(text: string): RevocationPage {
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
  for (const item of revoked as unknown[]) {
    if (typeof item !== 'object' || item === null)
      throw feedError('ERR_GUARD_FEED_INVALID', 'an entry is not an object');
    const { sid, before, expires } = item as Record<string, unknown>;
    if (typeof sid !== 'string' || sid.length === 0 || !isTime(before) || !isTime(expires)) {
      throw feedError(
        'ERR_GUARD_FEED_INVALID',
        'an entry needs sid (string), before and expires (epoch seconds)',
      );
    }
    entries.push({ sid, before, expires });
  }
  return { cursor: cursor as Cursor, revoked: entries };
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
