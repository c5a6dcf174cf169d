import type { GuardReason } from '../errors.js';
import { GuardRuntimeError } from '../failures.js';
import { backoffDelay } from './backoff.js';
import { type Cursor, fetchRevocationPage } from './fetch-page.js';
import { RevocationList } from './list.js';

/** The revocation options after validation, with defaults applied. */
export interface FeedSettings {
  readonly url: URL;
  readonly intervalMs: number;
  readonly maxBackoffMs: number;
  readonly timeoutMs: number;
  readonly failClosedAfterMs: number | undefined;
  readonly maxResponseBytes: number;
  readonly headers: Record<string, string>;
  readonly onError: ((err: Error) => void) | undefined;
}

/** What `guard.status().revocations` reports, for health checks and tests. */
export interface RevocationStatus {
  /** The first full sync has completed. */
  synced: boolean;
  /** Cutoffs currently held (sessions, users, keys and the global one). */
  entries: number;
  /** The last cursor received. */
  cursor: Cursor | undefined;
  /** Failed polls in a row (0 while the feed answers). */
  consecutiveFailures: number;
  /** Epoch ms of the last successful poll. */
  lastSyncAt: number | undefined;
  /** The wait scheduled after the last poll, in ms (grows while the feed is down). */
  nextPollInMs: number | undefined;
  /** Whether tokens with a `sid` are being refused because the feed is down (failClosedAfterMs). */
  failingClosed: boolean;
}

/** A feed that never stops paging would pin a guard: one poll reads at most this many pages. */
const MAX_PAGES_PER_POLL = 1000;

/**
 * Follows `GET /auth/revocations?after=CURSOR`: polls every `intervalMs`,
 * drains the pages that are ready (the server pages its answer, so a non-empty
 * page with a new cursor means "ask again"), backs off while the server is
 * down, and serves the last list meanwhile. Timers are unref'd: a feed never
 * keeps a process alive.
 */
export class RevocationFeed {
  private readonly list = new RevocationList();
  private readonly abort = new AbortController();
  private readonly waiters = new Set<{ resolve: () => void; reject: (err: unknown) => void }>();
  private readonly startedAt: number;
  private cursor: Cursor | undefined;
  private failures = 0;
  private lastSyncAt: number | undefined;
  private nextDelay: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private synced = false;
  private closed = false;

  /** `now` (epoch ms) is injectable so tests control time without touching global timers. */
  constructor(
    private readonly settings: FeedSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** Starts polling (the first poll runs at once). */
  start(): void {
    if (this.running === undefined && this.timer === undefined && !this.closed) this.poll();
  }

  /**
   * The hot-path check: undefined when a token of session `sid` (if any) and user `sub`, issued
   * at `iat` and signed by key `kid`, may pass, else why not. No allocation, no promise. Failing
   * closed refuses tokens with a `sid` only (see the README).
   */
  check(
    sid: string | undefined,
    sub: string,
    iat: number | undefined,
    kid: string | undefined,
  ): GuardReason | undefined {
    if (this.list.isRevoked(sid, sub, iat, kid)) return 'ERR_GUARD_REVOKED';
    if (sid !== undefined && this.isFailingClosed()) return 'ERR_GUARD_REVOCATIONS_UNAVAILABLE';
    return undefined;
  }

  /** Resolves after the first full sync; rejects if the feed is closed first or `signal` aborts. */
  ready(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    if (this.closed) {
      return Promise.reject(new GuardRuntimeError('ERR_GUARD_CLOSED', '@tessera/guard: the guard is closed'));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = (): void => {
        this.waiters.delete(waiter);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** Stops polling and aborts a poll under way; resolves once it has settled. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.abort.abort();
    for (const waiter of this.waiters) {
      waiter.reject(new GuardRuntimeError('ERR_GUARD_CLOSED', '@tessera/guard: the guard was closed'));
    }
    this.waiters.clear();
    await this.running;
  }

  status(): RevocationStatus {
    return {
      synced: this.synced,
      entries: this.list.size,
      cursor: this.cursor,
      consecutiveFailures: this.failures,
      lastSyncAt: this.lastSyncAt,
      nextPollInMs: this.nextDelay,
      failingClosed: this.isFailingClosed(),
    };
  }

  private isFailingClosed(): boolean {
    const limit = this.settings.failClosedAfterMs;
    // Staleness counts from the last good sync (or the start), but only while polls fail:
    // a slow, healthy poll must not flip a healthy guard.
    return (
      limit !== undefined && this.failures > 0 && this.now() - (this.lastSyncAt ?? this.startedAt) >= limit
    );
  }

  private poll(): void {
    this.timer = undefined;
    this.running = this.cycle().finally(() => {
      this.running = undefined;
      if (!this.closed) this.schedule();
    });
  }

  private schedule(): void {
    const { intervalMs, maxBackoffMs } = this.settings;
    this.nextDelay = backoffDelay(intervalMs, this.failures, maxBackoffMs);
    this.timer = setTimeout(() => this.poll(), this.nextDelay);
    this.timer.unref();
  }

  private async cycle(): Promise<void> {
    const { url, timeoutMs, maxResponseBytes, headers } = this.settings;
    const fetchOptions = { timeoutMs, maxBytes: maxResponseBytes, headers, signal: this.abort.signal };
    try {
      for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
        const result = await fetchRevocationPage(url, this.cursor, fetchOptions);
        const nowSeconds = this.now() / 1000;
        for (const entry of result.revoked) this.list.add(entry, nowSeconds);
        if (result.unknown > 0) {
          this.report(
            new GuardRuntimeError(
              'ERR_GUARD_FEED_INVALID',
              `revocation feed: ${result.unknown} entries of a kind this guard does not know were skipped; upgrade @tessera/guard`,
            ),
          );
        }
        const moved = result.cursor !== this.cursor;
        this.cursor = result.cursor;
        if (result.revoked.length === 0 || !moved) break;
      }
    } catch (err) {
      if (this.closed) return;
      this.failures++;
      this.list.sweep(this.now() / 1000);
      this.report(err);
      return;
    }
    this.failures = 0;
    this.lastSyncAt = this.now();
    this.list.sweep(this.lastSyncAt / 1000);
    if (!this.synced) {
      this.synced = true;
      for (const waiter of this.waiters) waiter.resolve();
      this.waiters.clear();
    }
  }

  private report(err: unknown): void {
    const onError = this.settings.onError;
    if (onError === undefined) return;
    try {
      onError(
        err instanceof Error
          ? err
          : new GuardRuntimeError('ERR_GUARD_FEED_UNREACHABLE', 'revocation feed: poll failed'),
      );
    } catch {
      // A throwing logger must not stop the feed.
    }
  }
}
