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
  };
}
