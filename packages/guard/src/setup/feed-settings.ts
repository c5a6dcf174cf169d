import type { RevocationOptions } from '../options.js';
import type { FeedSettings } from '../revocation/feed.js';

/** The revocation options (already validated) with their defaults. */
export function feedSettings(rev: RevocationOptions): FeedSettings {
  return {
    url: new URL(rev.url),
    intervalMs: rev.intervalMs ?? 5000,
    maxBackoffMs: rev.maxBackoffMs ?? 30_000,
    timeoutMs: rev.timeoutMs ?? 5000,
    failClosedAfterMs: rev.failClosedAfterMs,
    maxResponseBytes: rev.maxResponseBytes ?? 8 * 1024 * 1024,
    headers: {
      accept: 'application/json',
      ...rev.headers,
      ...(rev.secret === undefined ? {} : { authorization: `Bearer ${rev.secret}` }),
    },
    onError: rev.onError,
    transport: rev.transport ?? 'auto',
    streamUrl: streamUrlOf(rev.url),
    streamIdleMs: rev.streamIdleMs ?? 45_000,
  };
}

/**
 * The stream next to the feed: `…/auth/revocations` → `…/auth/revocations/stream` (the query,
 * if any, is left out: the stream resumes with `Last-Event-ID`).
 *
 * @example
 * streamUrlOf('http://127.0.0.1:3000/auth/revocations').href; // 'http://127.0.0.1:3000/auth/revocations/stream'
 */
export function streamUrlOf(feedUrl: string): URL {
  const url = new URL(feedUrl);
  url.search = '';
  url.hash = '';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/stream`;
  return url;
}
