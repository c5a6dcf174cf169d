/** Why a configured URL cannot be fetched. */
export type HttpUrlProblem = 'invalid' | 'scheme' | 'credentials';

/**
 * A URL to fetch from configuration (a JWKS, a revocation feed): it must parse,
 * be http: or https:, and carry no `user:password@` (fetch refuses those, and
 * an error naming the URL would leak them). Returns the URL or what is wrong,
 * so each caller words its own error.
 *
 * @example
 * const url = parseHttpUrl('https://auth.example.com/.well-known/jwks.json');
 * if (typeof url === 'string') throw new TypeError(`bad URL: ${url}`);
 */
export function parseHttpUrl(value: string | URL): URL | HttpUrlProblem {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'invalid';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'scheme';
  if (url.username !== '' || url.password !== '') return 'credentials';
  return url;
}
