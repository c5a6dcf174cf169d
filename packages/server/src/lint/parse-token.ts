/** A token taken apart without any verification, leniently enough to lint broken ones. */
export interface ParsedToken {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `header.payload`, the bytes the signature covers. */
  signingInput: string;
  signature: Uint8Array;
}

const MAX_LENGTH = 64 * 1024;
const SEGMENT = /^[A-Za-z0-9_-]*={0,2}$/;

/**
 * Splits and decodes a compact JWS. Unlike verification it accepts what
 * lint must be able to look at (`alg: none`, an empty signature, an unknown
 * alg); it refuses only what cannot be read at all, with a reason.
 *
 * @example
 * const parsed = parseTokenLeniently('eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.');
 * if ('reason' in parsed) console.log(parsed.reason);
 */
export function parseTokenLeniently(input: string): ParsedToken | { reason: string } {
  const token = input.trim().replace(/^Bearer\s+/i, '');
  if (token.length > MAX_LENGTH) return { reason: 'the token is longer than 64 KiB' };
  const parts = token.split('.');
  if (parts.length === 5) return { reason: 'this is a JWE (five segments); lint checks signed JWTs (JWS)' };
  if (parts.length !== 3) {
    return { reason: `a JWT has three dot-separated segments; this has ${parts.length}` };
  }
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  if (![headerPart, payloadPart, signaturePart].every((p) => SEGMENT.test(p))) {
    return { reason: 'a segment is not base64url' };
  }
  const header = jsonObject(headerPart);
  if (header === undefined) return { reason: 'the header is not a base64url JSON object' };
  const payload = jsonObject(payloadPart);
  if (payload === undefined) {
    return { reason: 'the payload is not a base64url JSON object (not a JWT claims set)' };
  }
  return {
    header,
    payload,
    signingInput: `${headerPart}.${payloadPart}`,
    signature: base64urlBytes(signaturePart),
  };
}

function jsonObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(base64urlBytes(segment)));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The bytes of a base64url segment (padding tolerated), without Buffer: this module runs in
 * browsers too (the console's token inspector).
 *
 * @example
 * base64urlBytes('AQI'); // Uint8Array [1, 2]
 */
export function base64urlBytes(segment: string): Uint8Array {
  let base64 = segment.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  // A dangling sixth bit carries no byte: dropped, as Buffer does.
  if (base64.length % 4 === 1) base64 = base64.slice(0, -1);
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
