import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TesseraConfig } from '../config.js';

/** The refresh-token cookie of browser mode. */
export const REFRESH_COOKIE = 'tessera_refresh';

/** True when the client asked for browser mode (refresh token in an HttpOnly cookie). */
export function isBrowserClient(request: FastifyRequest): boolean {
  const value = request.headers['x-tessera-client'];
  return typeof value === 'string' && value.toLowerCase() === 'browser';
}

/**
 * Cookie handling and CSRF defence for browser mode: the refresh token lives
 * only in an `HttpOnly; Secure; SameSite=Strict; Path=/auth` cookie, and every
 * state change authenticated by that cookie needs an allowed `Origin`.
 */
export class BrowserSessions {
  private readonly origins: Set<string>;

  constructor(private readonly config: TesseraConfig) {
    this.origins = new Set([new URL(config.issuer).origin, ...config.allowedOrigins]);
  }

  /** Stores the refresh token in the cookie for as long as it may live. */
  setRefreshCookie(reply: FastifyReply, refreshToken: string): void {
    reply.setCookie(REFRESH_COOKIE, refreshToken, {
      httpOnly: true,
      secure: !this.config.insecureCookies,
      sameSite: 'strict',
      path: '/auth',
      maxAge: Math.floor(this.config.refreshIdleMs / 1000),
    });
  }

  clearRefreshCookie(reply: FastifyReply): void {
    reply.clearCookie(REFRESH_COOKIE, {
      httpOnly: true,
      secure: !this.config.insecureCookies,
      sameSite: 'strict',
      path: '/auth',
    });
  }

  /** The refresh token from the cookie, if any. */
  cookieToken(request: FastifyRequest): string | undefined {
    const value = request.cookies[REFRESH_COOKIE];
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  /** A cookie-authenticated request must come from an allowed origin: a missing Origin is refused too. */
  originAllowed(request: FastifyRequest): boolean {
    const origin = request.headers.origin;
    return typeof origin === 'string' && this.origins.has(origin);
  }
}
