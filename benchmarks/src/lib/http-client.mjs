// One-off HTTP requests for probes and setup (not a load generator).
import { request as httpRequest } from 'node:http';

/**
 * Resolves with { status, headers, text, json } (json: the parsed body, or
 * undefined when it is not JSON). Never rejects for an HTTP status.
 */
export function request(
  port,
  { method = 'GET', path = '/', headers = {}, body, host = '127.0.0.1', timeoutMs = 30_000 } = {},
) {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const h = { ...headers };
  if (payload !== undefined) {
    h['content-length'] = Buffer.byteLength(payload);
    if (typeof body !== 'string' && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type'))
      h['content-type'] = 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host, port, method, path, headers: h, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Deep equality of JSON values (objects compared key by key, order-insensitive). */
export function jsonEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}
