import type { Guard, GuardError } from '../../src/index.js';
import type { FeedSettings } from '../../src/revocation/feed.js';
import { streamUrlOf } from '../../src/setup/feed-settings.js';
import { FeedServer } from './feed-server.js';
import { testGuard } from './guards.js';
import { accessToken } from './keys.js';

/** Everything a revocation test opened; `closeAll` in afterEach. */
const open: { close(): Promise<void> }[] = [];

/** Closes what the test opened, newest first. */
export async function closeAll(): Promise<void> {
  for (const item of open.splice(0).reverse()) await item.close();
}

/** Registers something to close after the test. */
export function track<T extends { close(): Promise<void> }>(item: T): T {
  open.push(item);
  return item;
}

/** A running feed server, stopped after the test. */
export async function feedServer(): Promise<FeedServer> {
  const server = await new FeedServer().start();
  open.push({ close: () => server.stop() });
  return server;
}

/** A guard following `server` with short intervals, closed after the test. */
export function guardFor(server: FeedServer, extra: Record<string, number> = {}): Guard {
  return track(testGuard({ revocations: { url: server.url, intervalMs: 10, maxBackoffMs: 80, ...extra } }));
}

/** Feed settings for driving a RevocationFeed directly: polling unless `extra.transport` says `auto`. */
export function settings(url: string, extra: Partial<FeedSettings> = {}): FeedSettings {
  return {
    url: new URL(url),
    intervalMs: 10,
    maxBackoffMs: 80,
    timeoutMs: 2000,
    failClosedAfterMs: undefined,
    maxResponseBytes: 1 << 20,
    headers: {},
    onError: undefined,
    transport: 'poll',
    streamUrl: streamUrlOf(url),
    streamIdleMs: 45_000,
    ...extra,
  };
}

/** The reason a token with these claims is refused, or 'accepted'. */
export function verdict(guard: Guard, claims: Record<string, unknown>): string {
  try {
    guard.check(`Bearer ${accessToken(claims)}`);
    return 'accepted';
  } catch (err) {
    return (err as GuardError).reason;
  }
}
