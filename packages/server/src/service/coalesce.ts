/**
 * Wraps a store read so that concurrent callers share it: a call while no read runs starts one;
 * a call during a read gets ONE more read after it (that read may have started before the
 * caller's write committed), shared by every caller that arrives meanwhile. Each caller's promise
 * resolves once a read that started after its call has finished.
 *
 * @example
 * const sync = coalesce(() => readEntriesSinceCursor());
 * await Promise.all([sync(), sync(), sync()]); // at most two reads
 */
export function coalesce(read: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const run = (): Promise<void> => {
    if (running === undefined) {
      running = read().finally(() => {
        running = undefined;
      });
      return running;
    }
    queued ??= running
      .catch(() => {})
      .then(() => {
        queued = undefined;
        return run();
      });
    return queued;
  };
  return run;
}
