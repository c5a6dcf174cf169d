/** RFC 7230 token: what a header name, an HTTP method or a cookie name is made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Whether `value` is an RFC 7230 token (a header name, a method such as `GET`,
 * an RFC 6265 cookie name).
 *
 * @example
 * isHttpToken('x-api-key'); // true
 * isHttpToken('GET POST'); // false
 */
export function isHttpToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN.test(value);
}

/**
 * The name of the first request header that fetch would refuse (an invalid
 * name, or a value that is not a valid header string), or undefined when all
 * are fine. Configured headers are checked once at startup rather than failing
 * every request; the caller's error names the header, never its value (an API key).
 *
 * @example
 * invalidHeaderName({ 'x-api-key': 'k', 'bad name': 'v' }); // 'bad name'
 */
export function invalidHeaderName(headers: Record<string, unknown>): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    try {
      if (typeof value !== 'string') return name;
      new Headers([[name, value]]);
    } catch {
      return name;
    }
  }
  return undefined;
}
