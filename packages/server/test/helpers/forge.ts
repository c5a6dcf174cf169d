// Hand-made tokens: what the CLI and the library would refuse to sign.
import { createHmac } from 'node:crypto';

/** base64url of a JSON value. */
export const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact token whose header and payload are taken as given, HMAC-signed as `header.alg` (HS256/384/512) names. */
export function hmacToken(
  header: { alg: string; [name: string]: unknown },
  payload: object,
  secret: Uint8Array | string,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(`sha${header.alg.slice(2)}`, secret)
    .update(input)
    .digest('base64url')}`;
}
