import type { RevocationPage, RevocationStore } from '../store/index.js';
import { coalesce } from './coalesce.js';

/** Entries read per store call. */
const PAGE = 1000;

/** What a stream is told: a batch of entries (cursor = the last one's), or that it was closed. */
export interface RevocationStreamSink {
  /** New entries, in cursor order; `page.cursor` is the cursor to resume after. */
  entries(page: RevocationPage): void;
  /** The server closes the stream (shutdown): end the response. */
  end(): void;
}

/** One open stream. */
export interface RevocationStreamHandle {
  /** Resolves when every entry committed before the stream opened was handed over; rejects when the store fails. */
  readonly replayed: Promise<void>;
  /** The last cursor handed over. */
  readonly cursor: number;
  /** Stops the stream (the client went away). */
  close(): void;
}

/**
 * The open revocation streams of this instance (`GET /auth/revocations/stream`). Each stream
 * follows the store by its own cursor: it replays the entries after the cursor it was opened
 * with, then reads again whenever {@link notify} says entries arrived (from this instance or,
 * through the store's signal, from another one). Reading from the store rather than forwarding
 * announcements is what makes a stream gap-free: the store's cursor order is the commit order,
 * and a missed or doubled announcement only delays or repeats a read, never an entry.
 *
 * Streams at the same cursor share their reads: a thousand guards caught up to one cursor cost
 * one store read per announcement, not a thousand. A read is shared only among reads asked for
 * since the last announcement or opening, so each stream still gets a read that started after
 * what woke it.
 *
 * @example
 * const streams = new RevocationStreams(store.revocations, () => Date.now(), 1000);
 * const handle = streams.open(0, { entries: (page) => write(page), end: () => res.end() });
 * if (handle === null) reply503();
 */
export class RevocationStreams {
  readonly #streams = new Set<Stream>();
  /** Reads under way, by generation and cursor; a generation ends at every notify and open. */
  readonly #reads = new Map<string, Promise<RevocationPage>>();
  #generation = 0;

  constructor(
    private readonly store: RevocationStore,
    private readonly now: () => number,
    /** Open streams at most: {@link open} answers null beyond. */
    readonly maxStreams: number,
  ) {}

  /** How many streams are open. */
  get size(): number {
    return this.#streams.size;
  }

  /** Whether {@link open} would refuse. */
  get full(): boolean {
    return this.#streams.size >= this.maxStreams;
  }

  /**
   * Opens a stream resuming after `after` (0: every live entry). Null when `maxStreams` are
   * open. The sink receives the replay first, then live batches, never an entry twice.
   */
  open(after: number, sink: RevocationStreamSink): RevocationStreamHandle | null {
    if (this.full) return null;
    this.#generation++;
    const read = (cursor: number) => this.#read(cursor);
    const stream = new Stream(read, after, sink, () => this.#streams.delete(stream));
    this.#streams.add(stream);
    return stream;
  }

  /** Entries may have arrived: every stream reads after its cursor. */
  notify(): void {
    this.#generation++;
    for (const stream of this.#streams) stream.pull().catch(() => {});
  }

  /** One page after `after`, shared with the other streams reading after it in this generation. */
  #read(after: number): Promise<RevocationPage> {
    const key = `${this.#generation}:${after}`;
    let page = this.#reads.get(key);
    if (page === undefined) {
      page = this.store.list({ after, limit: PAGE, now: this.now() });
      this.#reads.set(key, page);
      const forget = () => this.#reads.delete(key);
      page.then(forget, forget);
    }
    return page;
  }

  /** Ends every stream (the server is shutting down). */
  closeAll(): void {
    for (const stream of [...this.#streams]) {
      stream.close();
      stream.sink.end();
    }
  }
}

class Stream implements RevocationStreamHandle {
  readonly replayed: Promise<void>;
  #cursor: number;
  readonly #coalesced = coalesce(() => this.#read());
  #closed = false;

  constructor(
    private readonly read: (after: number) => Promise<RevocationPage>,
    after: number,
    readonly sink: RevocationStreamSink,
    private readonly onClose: () => void,
  ) {
    this.#cursor = after;
    this.replayed = this.pull();
    this.replayed.catch(() => {});
  }

  get cursor(): number {
    return this.#cursor;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onClose();
  }

  /** Reads after the cursor; a call during a read makes one more read follow it (as RevocationCutoffs.sync). */
  pull(): Promise<void> {
    return this.#coalesced();
  }

  async #read(): Promise<void> {
    while (!this.#closed) {
      const page = await this.read(this.#cursor);
      if (this.#closed) return;
      if (page.revoked.length > 0) this.sink.entries(page);
      this.#cursor = Math.max(this.#cursor, page.cursor);
      if (page.revoked.length < PAGE) return;
    }
  }
}
