import type { Cluster, Redis } from 'ioredis';
import { LocalRevocationSignal } from '../signal/local.js';
import type { RedisClient } from './client.js';

/** Before giving up on a cluster node and subscribing on another one. */
const NODE_RETRIES = 3;

/**
 * The {@link RevocationSignal} of the Redis store: PUBLISH on the store's client, and a
 * subscriber connection of its own, opened on the first subscriber: a duplicate of the client on
 * a standalone Redis (it reconnects and resubscribes by itself), or a connection to one node of a
 * Redis Cluster (PUBLISH reaches every node; when that node stays unreachable, another one is
 * taken). The listeners are called with 0 once the subscription is in place and after each
 * reconnection, since announcements may have been missed before.
 *
 * @example
 * const signal = new RedisRevocationSignal(client, 'tessera:revocations');
 * signal.subscribe(() => void cutoffs.sync());
 */
export class RedisRevocationSignal extends LocalRevocationSignal {
  #subscriber: Redis | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly client: RedisClient,
    private readonly channel: string,
  ) {
    super();
  }

  override async publish(cursor: number): Promise<void> {
    this.emit(cursor);
    await this.client.publish(this.channel, String(cursor));
  }

  override subscribe(listener: (cursor: number) => void): () => void {
    const off = super.subscribe(listener);
    if (this.#subscriber === undefined && this.#timer === undefined && !this.#closed) this.#open();
    return off;
  }

  override async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await super.close();
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
  }

  #open(): void {
    this.#timer = undefined;
    if (this.#closed) return;
    const subscriber = this.#connection();
    if (subscriber === undefined) {
      this.#later();
      return;
    }
    this.#subscriber = subscriber;
    let subscribed = false;
    subscriber.on('error', () => {
      // Reconnection is ioredis's (or ours, below); the service's timer catches up meanwhile.
    });
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.emit(Number(message) || 0);
    });
    // ioredis resubscribes on reconnection; what was published while it was away is read now.
    subscriber.on('ready', () => {
      if (subscribed) this.emit(0);
    });
    subscriber.on('end', () => {
      // Retries exhausted (a cluster node that stays down): subscribe somewhere else.
      if (this.#subscriber !== subscriber || this.#closed) return;
      this.#subscriber = undefined;
      this.#later();
    });
    subscriber
      .subscribe(this.channel)
      .then(() => {
        subscribed = true;
        this.emit(0);
      })
      .catch(() => {});
  }

  /** A new connection for subscribing, or undefined when no cluster node is known right now. */
  #connection(): Redis | undefined {
    const client = this.client;
    // Auto-pipelining batches commands, which a connection in subscriber mode refuses.
    if (!('nodes' in client && typeof client.nodes === 'function')) {
      return (client as Redis).duplicate({ enableAutoPipelining: false });
    }
    const nodes = (client as Cluster).nodes('all');
    const node = nodes[Math.floor(Math.random() * nodes.length)];
    return node?.duplicate({
      enableAutoPipelining: false,
      lazyConnect: true,
      readOnly: false,
      retryStrategy: (times: number) => (times > NODE_RETRIES ? null : 200 * times),
    });
  }

  #later(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => this.#open(), 1000);
    this.#timer.unref();
  }
}
