// A small Server-Sent Events reader for tests of GET /auth/revocations/stream: node's fetch, the
// body read as text and split into events (the server writes LF line ends only).

/** One event as the server wrote it. */
export interface TestSseEvent {
  event: string;
  id: string | undefined;
  data: string;
}

/** An open stream: what arrived so far, and a way to wait for more. */
export interface TestSseStream {
  readonly status: number;
  readonly headers: Headers;
  readonly events: TestSseEvent[];
  /** How many comment lines (heartbeats) arrived. */
  comments: number;
  /** Whether the server ended the response (or the connection broke). */
  ended: boolean;
  /** Resolves with the first event (from index `from`) matching `match`; rejects after `timeoutMs`. */
  waitFor(
    match: (event: TestSseEvent) => boolean,
    what: string,
    from?: number,
    timeoutMs?: number,
  ): Promise<TestSseEvent>;
  /** Resolves once `check()` holds (checked as data arrives); rejects after `timeoutMs`. */
  until(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): void;
}

/**
 * Opens `url` as an event stream; resolves once the response headers arrived.
 *
 * @example
 * const stream = await openSse(`${base}/auth/revocations/stream`, { 'last-event-id': '3' });
 * await stream.waitFor((e) => e.event === 'ready', 'ready');
 */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<TestSseStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  const stream: TestSseStream = {
    status: response.status,
    headers: response.headers,
    events: [],
    comments: 0,
    ended: false,
    async until(check, what, timeoutMs = 20_000) {
      if (check()) return;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`timed out waiting for ${what}`));
        }, timeoutMs);
        const waiter = () => {
          if (!check()) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve();
        };
        waiters.add(waiter);
      });
    },
    async waitFor(match, what, from = 0, timeoutMs = 20_000) {
      let found: TestSseEvent | undefined;
      await stream.until(
        () => {
          found = stream.events.slice(from).find(match);
          return found !== undefined;
        },
        what,
        timeoutMs,
      );
      return found as TestSseEvent;
    },
    close: () => controller.abort(),
  };
  if (response.status !== 200 || response.body === null) {
    stream.ended = true;
    return stream;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          let id: string | undefined;
          const data: string[] = [];
          let comment = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comment = true;
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (comment) stream.comments++;
          if (data.length > 0) stream.events.push({ event, id, data: data.join('\n') });
          end = buffer.indexOf('\n\n');
        }
        wake();
      }
    } catch {
      // aborted or broken
    }
    stream.ended = true;
    wake();
  })();
  return stream;
}
