import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, type TestServer } from './http-server.js';

/** An entry as the feed serves it: any kind (sid, sub, all, kid, or one the guard doesn't know). */
type Entry = Record<string, unknown> & { expires: number };

interface Row {
  cursor: number;
  entry: Entry;
}

/**
 * A loopback implementation of the auth server's `GET /auth/revocations?after=CURSOR`:
 * numbered entries, pages of `pageSize`, expired entries left out (by the
 * server's clock, `now`), and switches to make it fail. With `streaming`, also
 * `GET /auth/revocations/stream` (Server-Sent Events, resuming after `Last-Event-ID`):
 * each entry added is pushed at once to the open streams.
 */
export class FeedServer {
  private rows: Row[] = [];
  private next = 1;
  /** `after` of every request received (null: none sent). */
  readonly requests: (string | null)[] = [];
  /** Serve the stream (else it is a 404, as on a server without it). */
  streaming = false;
  /** Send the heartbeat comment on open streams (off: a silent stream). */
  heartbeats = true;
  /** `Last-Event-ID` of every stream request (null: none sent). */
  readonly streamRequests: (string | null)[] = [];
  private readonly streams = new Set<{ res: ServerResponse; cursor: number }>();
  mode: 'up' | 'error' | 'garbage' | 'hang' = 'up';
  pageSize = 1000;
  /** Send cursors as strings instead of numbers (they are opaque to the guard). */
  stringCursors = false;
  /** The server's clock in epoch seconds. */
  now: () => number = () => Date.now() / 1000;
  private http: TestServer | undefined;

  get url(): string {
    return `${(this.http as TestServer).url}/auth/revocations`;
  }

  async start(port?: number): Promise<this> {
    this.http = await listen((req, res) => this.handle(req, res), port === undefined ? {} : { port });
    return this;
  }

  /** The port, to restart on the same one. */
  get port(): number {
    return Number(new URL((this.http as TestServer).url).port);
  }

  async stop(): Promise<void> {
    this.dropStreams();
    await this.http?.close();
    this.http = undefined;
  }

  /** Cuts every open stream (as when an instance dies). */
  dropStreams(): void {
    for (const stream of this.streams) stream.res.destroy();
    this.streams.clear();
  }

  /** How many streams are open. */
  get openStreams(): number {
    return this.streams.size;
  }

  revoke(sid: string, before: number, expires: number): void {
    this.add({ sid, before, expires });
  }

  /** Appends an entry of any kind, e.g. `{ sub, before, expires }` or `{ kid, expires }`. */
  add(entry: Entry): void {
    this.rows.push({ cursor: this.next++, entry });
    for (const stream of this.streams) this.push(stream);
  }

  /** Adds an entry without telling the open streams (an announcement lost). */
  addQuietly(entry: Entry): void {
    this.rows.push({ cursor: this.next++, entry });
  }

  private push(stream: { res: ServerResponse; cursor: number }): void {
    const now = this.now();
    const rows = this.rows.filter((r) => r.cursor > stream.cursor && r.entry.expires > now);
    const last = rows.at(-1);
    if (last === undefined) return;
    stream.cursor = last.cursor;
    const data = JSON.stringify({ cursor: last.cursor, revoked: rows.map((r) => r.entry) });
    stream.res.write(`id: ${last.cursor}\ndata: ${data}\n\n`);
  }

  private handleStream(req: IncomingMessage, res: ServerResponse): void {
    const header = req.headers['last-event-id'];
    this.streamRequests.push(typeof header === 'string' ? header : null);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write('retry: 20\n\n');
    const stream = { res, cursor: typeof header === 'string' ? Number(header) : 0 };
    this.streams.add(stream);
    const heartbeat = setInterval(() => {
      if (this.heartbeats) res.write(': keep-alive\n\n');
    }, 20);
    res.on('close', () => {
      clearInterval(heartbeat);
      this.streams.delete(stream);
    });
    this.push(stream);
    res.write(`event: ready\nid: ${stream.cursor}\ndata: {"cursor":${stream.cursor},"revoked":[]}\n\n`);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/auth/revocations/stream' && this.streaming && this.mode === 'up') {
      this.handleStream(req, res);
      return;
    }
    if (url.pathname !== '/auth/revocations') {
      res.statusCode = 404;
      res.end();
      return;
    }
    const afterParam = url.searchParams.get('after');
    this.requests.push(afterParam);
    if (this.mode === 'hang') return; // never answers: the guard's timeout must fire
    if (this.mode === 'error') {
      res.statusCode = 503;
      res.end('{"error":"unavailable"}');
      return;
    }
    if (this.mode === 'garbage') {
      res.setHeader('content-type', 'application/json');
      res.end('{"cursor":1,"revoked":[{"sid":42}]}');
      return;
    }
    const after = afterParam === null ? 0 : Number(afterParam.replace(/^c/, ''));
    const now = this.now();
    const page = this.rows.filter((r) => r.cursor > after && r.entry.expires > now).slice(0, this.pageSize);
    const cursor = page.at(-1)?.cursor ?? after;
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        cursor: this.stringCursors ? `c${cursor}` : cursor,
        revoked: page.map((r) => ({ cursor: r.cursor, ...r.entry })),
      }),
    );
  }
}
