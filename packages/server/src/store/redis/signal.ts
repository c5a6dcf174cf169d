import type { Cluster, Redis } from 'ioredis';
import { LocalRevocationSignal } from '../signal/local.js';
import type { RedisClient } from './client.js';

/**
 * The {@link RevocationSignal} of the Redis store: PUBLISH on the store's client, and a
 * subscriber connection of its own (opened on the first subscriber; on a Cluster, pub/sub
 * messages reach every node). ioredis resubscribes after a reconnection; the listeners are then
 * called with 0, since announcements may have been missed meanwhile.
 *
 * @example
 * const signal = new RedisRevocationSignal(client, 'tessera:revocations');
 * signal.subscribe(() => void cutoffs.sync());
 */
export class RedisRevocationSignal extends LocalRevocationSignal {
  #subscriber: RedisClient | undefined;
  #connectedOnce = false;
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
    if (this.#subscriber === undefined && !this.#closed) this.#open();
    return off;
  }

  override async close(): Promise<void> {
    this.#closed = true;
    await super.close();
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
  }

  #open(): void {
    const client = this.client;
    // Auto-pipelining batches commands, which a connection in subscriber mode refuses.
    const subscriber: RedisClient =
      'nodes' in client && typeof client.nodes === 'function'
        ? (client as Cluster).duplicate(undefined, { enableAutoPipelining: false })
        : (client as Redis).duplicate({ enableAutoPipelining: false });
    this.#subscriber = subscriber;
    subscriber.on('error', () => {
      // Reconnection is ioredis's; the service's timer catches up meanwhile.
    });
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.emit(Number(message) || 0);
    });
    subscriber.on('ready', () => {
      if (this.#connectedOnce) this.emit(0);
      this.#connectedOnce = true;
    });
    subscriber.subscribe(this.channel).catch(() => {});
  }
}
