import type { FastifyRequest } from 'fastify';

/** Query parameters whose value is a credential (`access_token` per RFC 6750 §2.3, OAuth `code`, …). */
const SECRET_NAME = /token|secret|passw|api[-_]?key|^code$|^jwt$|^auth/i;
/** A JWT anywhere in the query is redacted, whatever the parameter is called. */
const JWT_VALUE = /^eyJ[\w-]*\.[\w-]*\.[\w-]*$/;
const REDACTED = '[redacted]';

/**
 * A URL as it may be logged: the value of every query parameter that carries
 * a credential (by its name, or because it is a JWT) replaced by
 * `[redacted]`. The path and the other parameters stay as sent.
 *
 * @example
 * redactUrl('/auth/me?access_token=eyJ…&x=1'); // '/auth/me?access_token=[redacted]&x=1'
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const pairs = url.slice(q + 1).split('&');
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as string;
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const name = pair.slice(0, eq);
    if (SECRET_NAME.test(decode(name)) || JWT_VALUE.test(decode(pair.slice(eq + 1)))) {
      pairs[i] = `${name}=${REDACTED}`;
    }
  }
  return `${url.slice(0, q)}?${pairs.join('&')}`;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

/**
 * Fastify's `req` log serializer with the URL passed through {@link redactUrl}:
 * a client that puts its token in the query string must not get it into the logs.
 *
 * @example
 * Fastify({ logger: { serializers: { req: serializeRequest } } });
 */
export function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
