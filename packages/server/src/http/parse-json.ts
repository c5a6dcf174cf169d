import type { FastifyInstance } from 'fastify';

/** Request bodies under `/auth/`: credentials and tokens, a few hundred bytes (two 1 KiB passwords at most). */
export const AUTH_BODY_LIMIT = 8 * 1024;
/** Every other body (admin edits): small too; Fastify's default is 1 MiB. */
export const BODY_LIMIT = 64 * 1024;
/** No body of this API nests deeper than 2; parsing stops being cheap long before attackers stop nesting. */
export const MAX_JSON_DEPTH = 32;

/** The Fastify error a too-deep body is refused with (400, `invalid_request`). */
export const JSON_TOO_DEEP = 'ERR_HTTP_JSON_TOO_DEEP';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether JSON text nests arrays and objects deeper than `max`, found by one
 * pass over the characters (brackets inside strings do not count) that stops
 * at the first level too deep: a 1 MiB body of `[` costs `max` steps, not a
 * parse. Invalid JSON is left to the parser.
 *
 * @example
 * jsonDeeperThan('[[["]]]]"]]]', 2); // true: the quoted brackets don't count
 */
export function jsonDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/**
 * Bounds the work a body can cost before authentication: a small body limit
 * (`AUTH_BODY_LIMIT` for routes under `/auth/`, `BODY_LIMIT` elsewhere,
 * checked against Content-Length before a byte is read), and a JSON parser
 * that refuses nesting deeper than `MAX_JSON_DEPTH` before `JSON.parse` runs.
 * Parsing itself stays Fastify's (secure-json-parse: `__proto__` and
 * `constructor.prototype` refused). Call before any route is added.
 *
 * @example
 * const app = Fastify({ bodyLimit: BODY_LIMIT });
 * boundBodies(app);
 */
export function boundBodies(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.bodyLimit === undefined && route.url.startsWith('/auth/')) route.bodyLimit = AUTH_BODY_LIMIT;
  });
  const parse = app.getDefaultJsonParser(
    app.initialConfig.onProtoPoisoning ?? 'error',
    app.initialConfig.onConstructorPoisoning ?? 'error',
  );
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonDeeperThan(body as string, MAX_JSON_DEPTH)) {
      const error = Object.assign(new Error('the body is nested too deeply'), {
        statusCode: 400,
        code: JSON_TOO_DEEP,
      });
      done(error, undefined);
      return;
    }
    parse(request, body as string, done);
  });
}
