import { JwtError } from '../errors.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const DURATION = /^(\d{1,9})([smhd])$/;

/**
 * Seconds from a number of seconds or a `Ns`, `Nm`, `Nh`, `Nd` string. Anything
 * else throws: `'1 day'`, `'10'`, `'1.5h'` and `'2w'` are mistakes, not durations.
 *
 * @example
 * toSeconds('15m', 'expiresIn'); // 900
 */
export function toSeconds(value: number | string, option: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
  } else if (typeof value === 'string') {
    const m = DURATION.exec(value);
    if (m) return Number(m[1]) * (UNITS[m[2] as string] as number);
  }
  throw new JwtError(
    'ERR_INVALID_OPTIONS',
    `${option} must be a non-negative number of seconds or a string like '30s', '15m', '12h', '7d'`,
  );
}

/**
 * Throws ERR_INVALID_OPTIONS unless `now` is undefined or a valid Date.
 *
 * @example
 * checkNow(opts.now);
 */
export function checkNow(now: unknown): void {
  if (now !== undefined && !(now instanceof Date && Number.isFinite(now.getTime()))) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'now must be a valid Date');
  }
}

/** Current time in (fractional) seconds since the epoch, from `now` or the clock. */
export function epochSeconds(now: Date | undefined): number {
  return (now === undefined ? Date.now() : now.getTime()) / 1000;
}
