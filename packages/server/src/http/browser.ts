import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TesseraConfig } from '../config.js';
import { DEVICE_TOKEN_TTL_MS } from '../service/device-tokens.js';

/**
 * The refresh-token cookie of browser mode. `__Host-` makes browsers refuse it unless it is
 * Secure, Path=/ and has no Domain, so no sibling subdomain can set or shadow it (cookie tossing).
 * With `insecureCookies` (plain HTTP on localhost) no prefix is possible: {@link PLAIN_REFRESH_COOKIE}.
 */
export const REFRESH_COOKIE = '__Host-tessera_refresh';
/** The refresh cookie's name in `insecureCookies` development mode. */
export const PLAIN_REFRESH_COOKIE = 'tessera_refresh';
/** The device-token cookie (see DeviceTokens), same rules as the refresh cookie. */
export const DEVICE_COOKIE = '__Host-tessera_device';
/** The device cookie's name in `insecureCookies` development mode. */
export const PLAIN_DEVICE_COOKIE = 'tessera_device';
/** Body-mode clients (apps, services) send their device token in this header at login. */
export const DEVICE_HEADER = 'x-tessera-device';

/** True when the client asked for browser mode (refresh token in an HttpOnly cookie). */
export function isBrowserClient(request: FastifyRequest): boolean {
  const value = request.headers['x-tessera-client'];
  return typeof value === 'string' && value.toLowerCase() === 'browser';
}

/**
 * Every value of a cookie in the raw Cookie header, in order. @fastify/cookie keeps one value per
 * name, which hides a second, tossed cookie of the same name.
 *
 * @example
 * cookieValues('a=1; b=2; a=3', 'a'); // ['1', '3']
 */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (header === undefined) return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    values.push(value);
  }
  return values;
}

/** The refresh cookie of a request: none, exactly one, or several (refused: someone tossed one in). */
export type RefreshCookie = { status: 'none' } | { status: 'one'; token: string } | { status: 'several' };

/**
 * Cookie handling and CSRF defence for browser mode: the refresh token lives
 * only in an `HttpOnly; Secure; SameSite=Strict; Path=/` cookie named
 * `__Host-tessera_refresh`, and every state change authenticated by that
 * cookie needs an allowed `Origin`.
 */
export class BrowserSessions {
  private readonly origins: Set<string>;
  /** The refresh cookie's name in this deployment. */
  readonly refreshCookieName: string;
  /** The device cookie's name in this deployment. */
  readonly deviceCookieName: string;

  constructor(private readonly config: TesseraConfig) {
    this.origins = new Set([new URL(config.issuer).origin, ...config.allowedOrigins]);
    this.refreshCookieName = config.insecureCookies ? PLAIN_REFRESH_COOKIE : REFRESH_COOKIE;
    this.deviceCookieName = config.insecureCookies ? PLAIN_DEVICE_COOKIE : DEVICE_COOKIE;
  }

  /** Stores the refresh token in the cookie for as long as it may live. */
  setRefreshCookie(reply: FastifyReply, refreshToken: string): void {
    reply.setCookie(this.refreshCookieName, refreshToken, {
      ...this.attributes(),
      maxAge: Math.floor(this.config.refreshIdleMs / 1000),
    });
  }

  /** Clears the refresh cookie, and the one older releases set with `Path=/auth`. */
  clearRefreshCookie(reply: FastifyReply): void {
    reply.clearCookie(this.refreshCookieName, this.attributes());
    reply.clearCookie(PLAIN_REFRESH_COOKIE, { ...this.attributes(), path: '/auth' });
  }

  /** The refresh token from the cookie: refused when the request carries the cookie more than once. */
  refreshCookie(request: FastifyRequest): RefreshCookie {
    const values = cookieValues(request.headers.cookie, this.refreshCookieName).filter((v) => v !== '');
    if (values.length > 1) return { status: 'several' };
    const [token] = values;
    return token === undefined ? { status: 'none' } : { status: 'one', token };
  }

  /** Stores a device token (browser mode) for as long as it is honoured. */
  setDeviceCookie(reply: FastifyReply, deviceToken: string): void {
    reply.setCookie(this.deviceCookieName, deviceToken, {
      ...this.attributes(),
      maxAge: Math.floor(DEVICE_TOKEN_TTL_MS / 1000),
    });
  }

  /** The device token: the `X-Tessera-Device` header, else the device cookie if sent exactly once. */
  deviceToken(request: FastifyRequest): string | undefined {
    const header = request.headers[DEVICE_HEADER];
    if (typeof header === 'string' && header !== '') return header;
    const values = cookieValues(request.headers.cookie, this.deviceCookieName);
    return values.length === 1 ? values[0] : undefined;
  }

  /** A cookie-authenticated request must come from an allowed origin: a missing Origin is refused too. */
  originAllowed(request: FastifyRequest): boolean {
    const origin = request.headers.origin;
    return typeof origin === 'string' && this.origins.has(origin);
  }

  private attributes() {
    return {
      httpOnly: true,
      secure: !this.config.insecureCookies,
      sameSite: 'strict',
      path: '/',
    } as const;
  }
}
