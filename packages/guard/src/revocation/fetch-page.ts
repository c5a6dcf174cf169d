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
  const signal = AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)]);
  let response: Response;
  try {
    response = await fetch(url, { headers: opts.headers, redirect: 'manual', signal });
  } catch (cause) {
    throw new Error(
      signal.aborted
        ? 'revocation feed: the request timed out or was aborted'
        : 'revocation feed: the request failed',
      {
        cause,
      },
    );
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => {});
    throw new Error(`revocation feed: HTTP ${response.status}`);
  }
  return parsePage(await readCapped(response, opts.maxBytes));
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new Error('revocation feed: the response is too large');
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      size += (chunk as Uint8Array).length;
      if (size > maxBytes) throw new Error('revocation feed: the response is too large');
      chunks.push(chunk as Uint8Array);
    }
  } catch (err) {
    await response.body?.cancel().catch(() => {});
    throw err instanceof Error && err.message.startsWith('revocation feed:')
      ? err
      : new Error('revocation feed: reading the response failed', { cause: err });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new Error('revocation feed: the response is not UTF-8');
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
    throw new Error('revocation feed: the response is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('revocation feed: the response is not an object');
  }
  const { cursor, revoked } = value as { cursor?: unknown; revoked?: unknown };
  const cursorOk =
    (typeof cursor === 'string' && cursor.length > 0 && cursor.length <= MAX_CURSOR_LENGTH) ||
    (typeof cursor === 'number' && Number.isFinite(cursor));
  if (!cursorOk) throw new Error('revocation feed: cursor must be a string or a number');
  if (!Array.isArray(revoked)) throw new Error('revocation feed: revoked must be a list');
  const entries: RevocationEntry[] = [];
  let unknown = 0;
  for (const item of revoked as unknown[]) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new Error('revocation feed: an entry is not an object');
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
    throw new Error('revocation feed: an entry names more than one of sid, sub, all, kid');
  }
  const { expires, before } = item;
  switch (targets[0]) {
    case 'kid':
      if (!isName(item.kid) || !isTime(expires)) {
        throw new Error('revocation feed: a key entry needs kid (string) and expires (epoch seconds)');
      }
      return { kid: item.kid, expires };
    case 'all':
      if (item.all !== true || !isTime(before) || !isTime(expires)) {
        throw new Error('revocation feed: an all entry needs all: true, before and expires (epoch seconds)');
      }
      return { all: true, before, expires };
    default: {
      const name = targets[0] as 'sid' | 'sub';
      const target = item[name];
      if (!isName(target) || !isTime(before) || !isTime(expires)) {
        throw new Error(
          `revocation feed: an entry needs ${name} (string), before and expires (epoch seconds)`,
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
