import { isIP } from 'node:net';

/** The names Fastify (proxy-addr) accepts for address ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Checks a `trustProxy` address list as Fastify reads it: comma-separated IPv4/IPv6 addresses,
 * CIDRs, or the names loopback, linklocal and uniquelocal. Returns what is wrong, or undefined.
 *
 * @example
 * checkTrustProxy('127.0.0.1, 10.0.0.0/8'); // undefined
 * checkTrustProxy('proxy.internal');        // 'must list addresses or CIDRs ...'
 */
export function checkTrustProxy(list: string): string | undefined {
  for (const raw of list.split(',')) {
    const entry = raw.trim();
    if (RANGE_NAMES.has(entry)) continue;
    const [address = '', bits, extra] = entry.split('/');
    const family = isIP(address);
    const width = family === 4 ? 32 : 128;
    const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= width);
    if (family === 0 || !bitsOk || extra !== undefined) {
      return 'must list proxy addresses or CIDRs (or loopback, linklocal, uniquelocal), comma-separated';
    }
  }
  return undefined;
}
