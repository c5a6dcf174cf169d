import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { LocalRevocationSignal } from '../signal/local.js';

/** Waits between reconnections of the LISTEN connection: doubling from 250 ms up to 10 s. */
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 10_000;

/**
 * The channel of a schema: PostgreSQL channel names are identifiers (at most 63 bytes), and
 * schema names are plain lower-case identifiers, so this needs no quoting beyond double quotes.
 *
 * @example
 * revocationChannel('tessera'); // 'tessera_revocations_tessera'
 */
export function revocationChannel(schema: string): string {
  return `tessera_revocations_${schema}`.slice(0, 63);
}

/**
 * The {@link RevocationSignal} of PostgreSQL alone: `pg_notify` on the pool to publish, and one
 * dedicated connection (opened on the first subscriber) that LISTENs. When that connection
 * drops it reconnects with backoff. Each time it starts listening it calls the listeners with
 * 0, since announcements may have been missed before.
 *
 * @example
 * const signal = new PostgresRevocationSignal(db, connectionString, 'tessera');
 * signal.subscribe(() => void cutoffs.sync());
 */
export class PostgresRevocationSignal extends LocalRevocationSignal {
  readonly #channel: string;
  #client: pg.Client | undefined;
  #retryMs = RETRY_MIN_MS;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly db: Kysely<unknown>,
    private readonly connectionString: string,
    schema: string,
  ) {
    super();
    this.#channel = revocationChannel(schema);
  }

  override async publish(cursor: number): Promise<void> {
    this.emit(cursor);
    await sql`select pg_notify(${this.#channel}, ${String(cursor)})`.execute(this.db);
  }

  override subscribe(listener: (cursor: number) => void): () => void {
    const off = super.subscribe(listener);
    if (this.#client === undefined && this.#timer === undefined) void this.#listen();
    return off;
  }

  override async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const client = this.#client;
    this.#client = undefined;
    await super.close();
    await client?.end().catch(() => {});
  }

  async #listen(): Promise<void> {
    this.#timer = undefined;
    if (this.#closed) return;
    const client = new pg.Client({ connectionString: this.connectionString });
    this.#client = client;
    let failed = false;
    const retry = () => {
      if (failed) return;
      failed = true;
      if (this.#client === client) this.#client = undefined;
      client.end().catch(() => {});
      if (this.#closed) return;
      this.#timer = setTimeout(() => void this.#listen(), this.#retryMs);
      this.#timer.unref();
      this.#retryMs = Math.min(RETRY_MAX_MS, this.#retryMs * 2);
    };
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', (message) => {
      if (message.channel === this.#channel) this.emit(Number(message.payload) || 0);
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.#channel}"`);
    } catch {
      retry();
      return;
    }
    this.#retryMs = RETRY_MIN_MS;
    // Entries written before this connection listened (at first, or while it was down): catch up.
    this.emit(0);
  }
}
