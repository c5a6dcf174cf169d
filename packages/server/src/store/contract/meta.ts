/**
 * A small persisted key/value table for markers such as the key-rotation schedule.
 *
 * @example
 * if (await store.meta.compareAndSet('keys.next-rotation', previous, String(next))) rotate();
 */
export interface MetaStore {
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  /**
   * Sets `value` only if the current value is `expected` (null: only if unset). One atomic step:
   * of concurrent callers with the same `expected`, exactly one gets true.
   */
  compareAndSet(name: string, expected: string | null, value: string): Promise<boolean>;
}
