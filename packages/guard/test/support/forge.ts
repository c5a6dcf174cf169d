import { accessClaims, accessToken, ed } from './keys.js';
import { rawToken } from './raw-sign.js';

/**
 * One request the guard must refuse: the Authorization header to send, and
 * the answer expected (400 `invalid_request` or 401 `invalid_token`).
 * Built from docs/security.md (A1–A26); each id names its row.
 */
export interface Attack {
  readonly id: string;
  readonly authorization: string;
  readonly status: 400 | 401;
}

/** A request the guard must accept: a control, so the attacks can't pass by breaking everything. */
export interface Control {
  readonly id: string;
  readonly authorization: string;
}

export const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

export function hex32(n: bigint): Buffer {
  return Buffer.from(n.toString(16).padStart(64, '0'), 'hex');
}

/** The protected header every good Ed25519 token has. */
export const ED_HEADER = { alg: 'EdDSA', typ: 'at+jwt', kid: 'ed-1' };

/** A token whose header and claims are given as JSON texts, validly signed with the Ed25519 key. */
export function edRaw(headerText: string, payloadText: string): string {
  return rawToken(headerText, payloadText, 'EdDSA', ed.privateKey.keyObject);
}

/** A validly signed Ed25519 token with a given header object and claims object. */
export function edSigned(header: object, claims: object = accessClaims()): string {
  return edRaw(JSON.stringify(header), JSON.stringify(claims));
}

export const bearer = (token: string) => `Bearer ${token}`;

/** The pieces every builder starts from: a good token, its segments and its claims text. */
export function attackKit() {
  const good = accessToken();
  const [h, p, s] = good.split('.') as [string, string, string];
  const claimsText = JSON.stringify(accessClaims());
  const attacks: Attack[] = [];
  const reject = (id: string, token: string, status: 400 | 401 = 401) =>
    attacks.push({ id, authorization: bearer(token), status });
  return { good, h, p, s, claimsText, attacks, reject };
}

/** The same character with its low bits set: a non-canonical last base64url character. */
export function nonZeroBits(last: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return alphabet[alphabet.indexOf(last) | 1] as string;
}
