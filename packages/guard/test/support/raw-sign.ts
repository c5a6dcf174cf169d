import { constants, createHmac, type KeyObject, sign } from 'node:crypto';

/** base64url of a string (UTF-8) or bytes. */
export function b64(input: string | Uint8Array): string {
  return Buffer.from(input).toString('base64url');
}

/** A JSON object's text as a base64url segment. */
export function seg(value: unknown): string {
  return b64(JSON.stringify(value));
}

type RawAlg = 'HS256' | 'EdDSA' | 'ES256' | 'ES384' | 'RS256' | 'RS512' | 'PS256';

/**
 * Signs any signing input with any key and any algorithm, with no checks at
 * all: attack tokens need exactly what a library would refuse to produce.
 * ES signatures come out raw (R‖S) unless `der` is set.
 */
export function rawSignature(
  alg: RawAlg,
  key: KeyObject | Uint8Array | string,
  input: string,
  opts: { der?: boolean } = {},
): Buffer {
  const data = Buffer.from(input);
  switch (alg) {
    case 'HS256':
      return createHmac('sha256', key as KeyObject)
        .update(data)
        .digest();
    case 'EdDSA':
      return sign(null, data, key as KeyObject);
    case 'ES256':
    case 'ES384':
      return sign(alg === 'ES256' ? 'sha256' : 'sha384', data, {
        key: key as KeyObject,
        dsaEncoding: opts.der ? 'der' : 'ieee-p1363',
      });
    case 'RS256':
    case 'RS512':
      return sign(alg === 'RS256' ? 'sha256' : 'sha512', data, key as KeyObject);
    case 'PS256':
      return sign('sha256', data, {
        key: key as KeyObject,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      });
  }
}

/** A compact token from raw header and payload JSON texts, signed with `rawSignature`. */
export function rawToken(
  headerText: string,
  payloadText: string,
  alg: RawAlg,
  key: KeyObject | Uint8Array | string,
): string {
  const input = `${b64(headerText)}.${b64(payloadText)}`;
  return `${input}.${b64(rawSignature(alg, key, input))}`;
}
