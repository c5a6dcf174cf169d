import type { GuardReason } from '../errors.js';
import { GuardRuntimeError } from '../failures.js';
import { backoffDelay } from './backoff.js';
import { type Cursor, fetchRevocationPage, parsePage, type RevocationPage } from './fetch-page.js';
import { RevocationList } from './list.js';
import { type SseEvent, SseParser, SseTooLargeError } from './sse.js';

/** How the guard follows the feed: `auto` streams when the server offers it (else polls), `poll` only polls. */
export type RevocationTransport = 'auto' | 'poll';

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
  readonly transport: RevocationTransport;
  /** `<url>/stream`: the Server-Sent Events form of the feed. */
  readonly streamUrl: URL;
  /** A stream silent this long (no event, no heartbeat) is dropped and reconnected. */
  readonly streamIdleMs: number;
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
  /** `stream` while the Server-Sent Events stream is open and caught up; `poll` otherwise. */
  transport: 'stream' | 'poll';
}

/** A feed that never stops paging would pin a guard: one poll reads at most this many pages. */
const MAX_PAGES_PER_POLL = 1000;
/** A server without the stream (404) is asked again this often: it may have been upgraded. */
const STREAM_REPROBE_MS = 5 * 60_000;
/** The wait before reconnecting a dropped stream, unless the server's `retry:` says otherwise. */
const DEFAULT_STREAM_RETRY_MS = 1000;

/**
 * Follows the revocation feed. With `transport: 'auto'` (the default) it opens
 * `GET /auth/revocations/stream` (Server-Sent Events, resuming after its cursor with
 * `Last-Event-ID`), so a revocation reaches it as soon as any server instance writes it. A
 * server without the stream (404) is polled instead. When the stream drops or goes silent past
 * `streamIdleMs`, the guard polls at once (repairing any gap from its cursor), keeps polling
 * every `intervalMs`, and reconnects the stream with backoff; once the stream has replayed up to
 * date (`event: ready`), polling stops.
 *
 * Polling: `GET /auth/revocations?after=CURSOR` every `intervalMs`, draining the pages that are
 * ready (the server pages its answer, so a non-empty page with a new cursor means "ask again"),
 * backing off while the server is down, and serving the last list meanwhile. Timers are unref'd:
 * a feed never keeps a process alive.
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
  /** Whether the poll loop reschedules itself (off while the stream is open). */
  private polling = false;
  private streamOpen = false;
  private streamFailures = 0;
  private streamRetryMs = DEFAULT_STREAM_RETRY_MS;
  private streamTimer: NodeJS.Timeout | undefined;
  private streamRunning: Promise<void> | undefined;

  /** `now` (epoch ms) is injectable so tests control time without touching global timers. */
  constructor(
    private readonly settings: FeedSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** Opens the stream (`auto`) or starts polling (`poll`); the first request runs at once. */
  start(): void {
    if (this.closed) return;
    if (this.settings.transport === 'poll') this.startPolling();
    else if (this.streamRunning === undefined && this.streamTimer === undefined) this.connectStream();
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
    this.polling = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    clearTimeout(this.streamTimer);
    this.streamTimer = undefined;
    this.abort.abort();
    for (const waiter of this.waiters) {
      waiter.reject(new GuardRuntimeError('ERR_GUARD_CLOSED', '@tessera/guard: the guard was closed'));
    }
    this.waiters.clear();
    await Promise.all([this.running, this.streamRunning]);
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
      transport: this.streamOpen ? 'stream' : 'poll',
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

  private startPolling(): void {
    this.polling = true;
    if (this.running === undefined && this.timer === undefined && !this.closed) this.poll();
  }

  private stopPolling(): void {
    this.polling = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private poll(): void {
    this.timer = undefined;
    this.running = this.cycle().finally(() => {
      this.running = undefined;
      if (!this.closed && this.polling) this.schedule();
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
        this.applyPage(result);
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
    this.markSynced();
  }

  private applyPage(page: RevocationPage & { unknown: number }): void {
    const nowSeconds = this.now() / 1000;
    for (const entry of page.revoked) this.list.add(entry, nowSeconds);
    if (page.unknown > 0) {
      this.report(
        new GuardRuntimeError(
          'ERR_GUARD_FEED_INVALID',
          `revocation feed: ${page.unknown} entries of a kind this guard does not know were skipped; upgrade @tessera/guard`,
        ),
      );
    }
  }

  /** The list is up to date with the server: now healthy, and ready() resolves. */
  private markSynced(): void {
    this.failures = 0;
    this.lastSyncAt = this.now();
    this.list.sweep(this.lastSyncAt / 1000);
    if (!this.synced) {
      this.synced = true;
      for (const waiter of this.waiters) waiter.resolve();
      this.waiters.clear();
    }
  }

  private connectStream(): void {
    this.streamTimer = undefined;
    if (this.closed) return;
    this.streamRunning = this.runStream().then(
      (outcome) => this.afterStream(outcome, undefined),
      (err: unknown) => this.afterStream('failed', err),
    );
  }

  /** After the stream ended: poll (at once, from the cursor), and reconnect later. */
  private afterStream(outcome: 'unsupported' | 'ended' | 'failed', err: unknown): void {
    const wasOpen = this.streamOpen;
    this.streamOpen = false;
    this.streamRunning = undefined;
    if (this.closed) return;
    this.startPolling();
    if (outcome === 'unsupported') {
      this.scheduleStream(STREAM_REPROBE_MS);
      return;
    }
    // A stream that was up counts as the first failure of a new run.
    this.streamFailures = wasOpen ? 1 : this.streamFailures + 1;
    this.report(err ?? streamError('ERR_GUARD_FEED_UNREACHABLE', 'the server ended the stream'));
    const { maxBackoffMs } = this.settings;
    this.scheduleStream(backoffDelay(this.streamRetryMs, this.streamFailures - 1, maxBackoffMs));
  }

  private scheduleStream(delayMs: number): void {
    this.streamTimer = setTimeout(() => this.connectStream(), delayMs);
    this.streamTimer.unref();
  }

  /**
   * One connection of the stream, until it ends: resolves `unsupported` when the server has no
   * stream, `ended` when it closed the response; rejects on any failure (the caller reports it).
   */
  private async runStream(): Promise<'unsupported' | 'ended'> {
    const { streamUrl, timeoutMs, headers, maxResponseBytes, streamIdleMs } = this.settings;
    const controller = new AbortController();
    const signal = AbortSignal.any([this.abort.signal, controller.signal]);
    let silent = false;
    let idle: NodeJS.Timeout | undefined;
    // The connection must answer within timeoutMs, then never stay silent past streamIdleMs.
    const arm = (ms: number) => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        silent = true;
        controller.abort();
      }, ms);
      idle.unref();
    };
    arm(timeoutMs);
    try {
      const requestHeaders: Record<string, string> = { ...headers, accept: 'text/event-stream' };
      if (this.cursor !== undefined) requestHeaders['last-event-id'] = String(this.cursor);
      let response: Response;
      try {
        response = await fetch(streamUrl, { headers: requestHeaders, redirect: 'manual', signal });
      } catch (cause) {
        throw streamError(
          'ERR_GUARD_FEED_UNREACHABLE',
          silent ? 'the request timed out' : 'the request failed',
          cause,
        );
      }
      const type = response.headers.get('content-type') ?? '';
      if (
        response.status === 404 ||
        response.status === 405 ||
        response.status === 501 ||
        (response.status === 200 && !type.toLowerCase().startsWith('text/event-stream'))
      ) {
        await response.body?.cancel().catch(() => {});
        return 'unsupported';
      }
      if (response.status !== 200 || response.body === null) {
        await response.body?.cancel().catch(() => {});
        throw streamError('ERR_GUARD_FEED_STATUS', `HTTP ${response.status}`);
      }
      arm(streamIdleMs);
      const parser = new SseParser(
        {
          event: (event) => this.onStreamEvent(event),
          comment: () => {
            if (this.streamOpen) this.lastSyncAt = this.now();
          },
          retry: (ms) => {
            this.streamRetryMs = Math.min(Math.max(ms, 100), this.settings.maxBackoffMs);
          },
        },
        maxResponseBytes,
      );
      const decoder = new TextDecoder('utf-8', { fatal: true });
      const reader = response.body.getReader();
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (cause) {
          throw streamError(
            'ERR_GUARD_FEED_UNREACHABLE',
            silent ? `the stream was silent for ${streamIdleMs} ms` : 'the connection failed',
            cause,
          );
        }
        if (chunk.done) return 'ended';
        arm(streamIdleMs);
        let text: string;
        try {
          text = decoder.decode(chunk.value, { stream: true });
        } catch {
          throw streamError('ERR_GUARD_FEED_INVALID', 'the stream is not UTF-8');
        }
        try {
          parser.push(text);
        } catch (err) {
          if (err instanceof SseTooLargeError) {
            throw streamError('ERR_GUARD_FEED_TOO_LARGE', 'an event is larger than maxResponseBytes');
          }
          throw err;
        }
      }
    } finally {
      clearTimeout(idle);
      controller.abort();
    }
  }

  /** An event of the stream: a page of entries, or `ready` (the replay is complete). */
  private onStreamEvent(event: SseEvent): void {
    if (event.event !== 'message' && event.event !== 'ready') return;
    const page = parsePage(event.data);
    this.applyPage(page);
    this.cursor = page.cursor;
    if (event.event === 'ready') {
      this.streamOpen = true;
      this.streamFailures = 0;
      this.stopPolling();
      this.markSynced();
    } else if (this.streamOpen) {
      this.lastSyncAt = this.now();
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

type StreamCode =
  | 'ERR_GUARD_FEED_UNREACHABLE'
  | 'ERR_GUARD_FEED_STATUS'
  | 'ERR_GUARD_FEED_TOO_LARGE'
  | 'ERR_GUARD_FEED_INVALID';

/** A failure of the stream; the message starts with `revocation stream:` and never holds the response. */
function streamError(code: StreamCode, message: string, cause?: unknown): GuardRuntimeError {
  return new GuardRuntimeError(
    code,
    `revocation stream: ${message}`,
    cause === undefined ? undefined : { cause },
  );
}
