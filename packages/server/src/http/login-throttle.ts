import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LoginThrottle, LoginTicket } from '../service/index.js';
import type { BrowserSessions } from './browser.js';
import { sendError } from './errors.js';
import type { RouteHook } from './routes/context.js';

const tickets = new WeakMap<FastifyRequest, LoginTicket>();

/**
 * The login preHandler: counts the attempt (see LoginThrottle) before any password is checked
 * and answers 429 with Retry-After when it must wait. The device token comes from the
 * `X-Tessera-Device` header or the device cookie.
 *
 * @example
 * app.post('/auth/login', { preHandler: loginThrottleHook(service.loginThrottle, browser) }, handler);
 */
export function loginThrottleHook(throttle: LoginThrottle, browser: BrowserSessions): RouteHook {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const email = (request.body as { email?: unknown } | undefined)?.email;
    if (typeof email !== 'string') return;
    const admission = await throttle.admit({
      email,
      ip: request.ip,
      deviceToken: browser.deviceToken(request),
    });
    if (admission.status === 'admitted') {
      tickets.set(request, admission.ticket);
      return;
    }
    reply.header('retry-after', String(admission.retryAfterSeconds));
    return sendError(reply, 429, 'too_many_requests', 'too many attempts; retry later');
  };
}

/**
 * After a good password: forgives this place's failures and returns the new device token for
 * the client (undefined when the route ran without the hook).
 *
 * @example
 * const deviceToken = await loginSucceeded(service.loginThrottle, request);
 */
export async function loginSucceeded(
  throttle: LoginThrottle,
  request: FastifyRequest,
): Promise<string | undefined> {
  const ticket = tickets.get(request);
  if (ticket === undefined) return undefined;
  tickets.delete(request);
  return (await throttle.succeeded(ticket)).deviceToken;
}
