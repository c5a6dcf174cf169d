import type { RevocationSignal } from '../contract/index.js';

type Listener = (cursor: number) => void;

/**
 * The in-process {@link RevocationSignal}: announcements reach this process's listeners only
 * (SQLite, one instance). The Redis and PostgreSQL signals extend it.
 *
 * @example
 * const signal = new LocalRevocationSignal();
 * signal.subscribe((cursor) => console.log('new entries up to', cursor));
 * await signal.publish(42);
 */
export class LocalRevocationSignal implements RevocationSignal {
  readonly #listeners = new Set<Listener>();

  /** Whether anyone listens (the networked signals connect on the first subscriber). */
  protected get listening(): boolean {
    return this.#listeners.size > 0;
  }

  async publish(cursor: number): Promise<void> {
    this.emit(cursor);
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }

  /** Calls every listener; one that throws does not stop the others. */
  protected emit(cursor: number): void {
    for (const listener of this.#listeners) {
      try {
        listener(cursor);
      } catch {
        // A listener's failure is its own.
      }
    }
  }
}
