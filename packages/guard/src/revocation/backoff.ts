/**
 * The wait before the next attempt after `failures` failures in a row:
 * `intervalMs` while healthy, then doubling up to `maxMs`, with "equal
 * jitter" (half fixed, half random) so that guards restarted together don't
 * hit a recovering server in step.
 */
export function backoffDelay(
  intervalMs: number,
  failures: number,
  maxMs: number,
  random = Math.random,
): number {
  if (failures <= 0) return intervalMs;
  const ceiling = Math.max(intervalMs, Math.min(maxMs, intervalMs * 2 ** Math.min(failures, 30)));
  return ceiling / 2 + random() * (ceiling / 2);
}
