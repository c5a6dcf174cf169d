import type { RateLimit } from '../config.js';
import { normalizeEmail, type RateLimitHit, type RateLimitStore } from '../store/index.js';
import type { Clock } from './clock.js';
import type { DeviceTokens } from './device-tokens.js';

/** The three login limits (see {@link LoginThrottle}). */
export interface LoginThrottlePolicy {
  /** Attempts from one address, any account: a hard fixed window (credential stuffing). */
  perIp: RateLimit;
  /** Attempts for one account from one address, or from one device: `max`, then progressive delay. */
  perAccountAndIp: RateLimit;
  /** Attempts for one account from unknown addresses without a device token: `max`, then progressive delay. */
  perAccount: RateLimit;
}

/** What a login attempt is: the email as typed, the client address, the device token if any. */
export interface LoginAttempt {
  email: string;
  ip: string;
  deviceToken?: string | undefined;
}

/** Handed back by {@link LoginThrottle.admit}; give it to {@link LoginThrottle.succeeded} after a good password. */
export interface LoginTicket {
  readonly email: string;
  readonly ip: string;
  readonly sourceKey: string;
}

export type LoginAdmission =
  | { status: 'admitted'; ticket: LoginTicket }
  | { status: 'throttled'; limit: 'ip' | 'source' | 'account'; retryAfterSeconds: number };

/** The first try past a progressive limit waits this long after the window opened; each next one twice as long. */
export const PROGRESSIVE_BASE_MS = 1000;
/** An address that logged in to an account stays "known" for it this long after its last success. */
export const KNOWN_ADDRESS_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * When a counted attempt may go ahead: `null` now, else the ms until the next one may. The first
 * `max` attempts of a window are free; attempt `max + n` must come at least 2^(n-1) s after the
 * window opened, and a refused attempt counts too (hammering only pushes the next slot further).
 * The wait never passes the window's end, when the count starts over: no lock outlasts a window,
 * and a window admits at most `max + log2(windowMs / 1 s) + 1` attempts.
 */
export function progressiveWait(hit: RateLimitHit, limit: RateLimit, now: number): number | null {
  const excess = hit.count - limit.max;
  if (excess <= 0) return null;
  const opened = hit.resetAt - limit.windowMs;
  const slot = (n: number) => Math.min(opened + PROGRESSIVE_BASE_MS * 2 ** (n - 1), hit.resetAt);
  if (now >= slot(excess) && now < hit.resetAt) return null;
  return Math.max(0, slot(excess + 1) - now);
}

/**
 * Login throttling that an attacker cannot turn against the account's owner (OWASP Authentication
 * Cheat Sheet: "account lockout", "device cookies"). Every counter lives in the store's
 * rate-limit counters, so limits hold across restarts and instances. For each attempt, before any
 * password hashing:
 *
 * 1. per address, any account (`perIp`, hard window): one address trying one password across many
 *    accounts (credential stuffing) is stopped. Skipped with a valid device token for the account.
 * 2. per (account, address), or per (account, device) with a device token (`perAccountAndIp`,
 *    progressive): brute force from one place. Only this place waits; a success resets it.
 * 3. per account, any address (`perAccount`, progressive, much higher): a distributed attack on
 *    one account. Never applied to a device token for the account nor to an address that logged
 *    in to it before (within {@link KNOWN_ADDRESS_MS}), so an attacker's failures elsewhere never
 *    stop the owner where the owner usually logs in.
 *
 * No limit is a lock: each waits at most until its window ends, and the answer (429 with
 * Retry-After) is the same whether the account exists or not.
 *
 * @example
 * const admission = await throttle.admit({ email, ip, deviceToken });
 * if (admission.status === 'throttled') return tooManyRequests(admission.retryAfterSeconds);
 * if ((await sessions.login(email, password)).status === 'ok') await throttle.succeeded(admission.ticket);
 */
export class LoginThrottle {
  constructor(
    private readonly limits: RateLimitStore,
    private readonly devices: DeviceTokens,
    private readonly clock: Clock,
    private readonly policy: LoginThrottlePolicy,
  ) {}

  /** Counts the attempt; says whether it may go on to the password check. */
  async admit(attempt: LoginAttempt): Promise<LoginAdmission> {
    const now = this.clock.now();
    const email = normalizeEmail(attempt.email);
    const { ip } = attempt;
    const device = this.devices.verify(attempt.deviceToken, email, now);
    const { perIp, perAccountAndIp, perAccount } = this.policy;
    if (device === null) {
      const hit = await this.limits.hit(`login:ip:${ip}`, perIp.windowMs, now);
      if (hit.count > perIp.max) return throttled('ip', hit.resetAt - now);
    }
    const sourceKey = device === null ? `login:source:${field(email)}:${ip}` : `login:device:${device.nonce}`;
    const source = progressiveWait(
      await this.limits.hit(sourceKey, perAccountAndIp.windowMs, now),
      perAccountAndIp,
      now,
    );
    if (source !== null) return throttled('source', source);
    if (device === null && !(await this.#known(email, ip, now))) {
      const account = progressiveWait(
        await this.limits.hit(`login:account:${field(email)}`, perAccount.windowMs, now),
        perAccount,
        now,
      );
      if (account !== null) return throttled('account', account);
    }
    return { status: 'admitted', ticket: { email, ip, sourceKey } };
  }

  /**
   * After a good password: this place's failures are forgiven, the address becomes known for the
   * account, and a new device token is returned for the client to keep.
   */
  async succeeded(ticket: LoginTicket): Promise<{ deviceToken: string }> {
    const now = this.clock.now();
    const known = knownKey(ticket.email, ticket.ip);
    await this.limits.reset(ticket.sourceKey);
    await this.limits.reset(known);
    await this.limits.hit(known, KNOWN_ADDRESS_MS, now);
    return { deviceToken: this.devices.issue(ticket.email, now) };
  }

  /**
   * Whether the address logged in to the account before. The counters only have `hit`, so this
   * hits the marker with a 1 ms window: a marker set by {@link succeeded} ends far later; a probe
   * of an unknown address makes a window that ends at once (and is purged).
   */
  async #known(email: string, ip: string, now: number): Promise<boolean> {
    const hit = await this.limits.hit(knownKey(email, ip), 1, now);
    return hit.resetAt > now + 1;
  }
}

/** Emails are typed by the client: encoded so that `:` can't make two (email, address) pairs one key. */
function field(email: string): string {
  return encodeURIComponent(email);
}

function knownKey(email: string, ip: string): string {
  return `login:known:${field(email)}:${ip}`;
}

function throttled(limit: 'ip' | 'source' | 'account', waitMs: number): LoginAdmission {
  return { status: 'throttled', limit, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}
