// The cross-tab primitives of a browser, in memory: an exclusive Web Locks manager and a
// BroadcastChannel hub. Tabs are clients in one test process sharing these.
import type { BroadcastChannelLike, LockManagerLike } from '../../src/index.js';

interface Waiter {
  grant: () => void;
  signal: AbortSignal | undefined;
}

/** Exclusive locks with `ifAvailable` and `signal`, like navigator.locks. */
export class FakeLocks implements LockManagerLike {
  private readonly held = new Set<string>();
  private readonly queues = new Map<string, Waiter[]>();
  /** How many times a lock was granted (to a waiter or at once). */
  grants = 0;

  async request<T>(
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => T | Promise<T>,
  ): Promise<T> {
    if (this.held.has(name)) {
      if (options.ifAvailable) return callback(null);
      await new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { grant: resolve, signal: options.signal };
        const queue = this.queues.get(name) ?? [];
        queue.push(waiter);
        this.queues.set(name, queue);
        options.signal?.addEventListener('abort', () => {
          const q = this.queues.get(name) ?? [];
          if (!q.includes(waiter)) return;
          q.splice(q.indexOf(waiter), 1);
          reject(new DOMException('the lock request was aborted', 'AbortError'));
        });
      });
    }
    this.held.add(name);
    this.grants++;
    try {
      return await callback({ name });
    } finally {
      this.release(name);
    }
  }

  /** Holds `name` until the returned function is called (another tab stuck mid-refresh). */
  hold(name: string): () => void {
    this.held.add(name);
    return () => this.release(name);
  }

  private release(name: string): void {
    const next = this.queues.get(name)?.shift();
    if (next) next.grant();
    else this.held.delete(name);
  }
}

/** A BroadcastChannel hub: every channel of a name gets the others' messages, asynchronously. */
export class FakeBroadcastHub {
  private readonly channels = new Set<FakeChannel>();
  /** Delivers a message later; by default on the next turn of the event loop. */
  schedule: (deliver: () => void) => void = (deliver) => setImmediate(deliver);
  /** Every message posted, for assertions. */
  readonly posted: unknown[] = [];

  /** The constructor to pass as `BroadcastChannel` (every tab of one browser uses the same hub). */
  get BroadcastChannel(): new (
    name: string,
  ) => BroadcastChannelLike {
    const hub = this;
    return class extends FakeChannel {
      constructor(name: string) {
        super(name, hub);
      }
    };
  }

  join(channel: FakeChannel): void {
    this.channels.add(channel);
  }

  deliver(from: FakeChannel, message: unknown): void {
    this.posted.push(message);
    const data = structuredClone(message);
    for (const channel of this.channels) {
      if (channel !== from && channel.name === from.name) this.schedule(() => channel.onmessage?.({ data }));
    }
  }
}

class FakeChannel implements BroadcastChannelLike {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(
    readonly name: string,
    private readonly hub: FakeBroadcastHub,
  ) {
    hub.join(this);
  }
  postMessage(message: unknown): void {
    this.hub.deliver(this, message);
  }
}
