// DPoP proofs for the attack tests: honest ones from createDpopProof, and
// forged ones with any header, claims and signing key.
import {
  accessTokenHash,
  createDpopProof,
  exportJwk,
  jwkThumbprint,
  type VerifyDpopProofOptions,
} from '../../src/index.js';
import { forge, NOW, NOW_S, type SigningKey } from './forge.js';
import { freshPair, pair } from './keys.js';

export const HTU = 'https://api.example.com/orders';
export const ACCESS_TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl';

/** The client's key: the one the access token is bound to. */
export const client = pair('ES256');
export const CLIENT_JKT = jwkThumbprint(client.publicKey);
/** Another key, the attacker's. */
export const attacker = freshPair('ES256');

/** What the resource server checks for `GET HTU` with ACCESS_TOKEN bound to the client's key. */
export const VERIFY: VerifyDpopProofOptions = {
  htm: 'GET',
  htu: HTU,
  algorithms: ['ES256', 'EdDSA'],
  accessToken: ACCESS_TOKEN,
  expectedJkt: CLIENT_JKT,
  now: NOW,
};

/** An honest proof by the client for `GET HTU` with ACCESS_TOKEN. */
export function honestProof(
  overrides: { htm?: string; htu?: string; now?: Date; jti?: string } = {},
): string {
  return createDpopProof(client.privateKey, {
    htm: overrides.htm ?? 'GET',
    htu: overrides.htu ?? HTU,
    accessToken: ACCESS_TOKEN,
    now: overrides.now ?? NOW,
    ...(overrides.jti === undefined ? {} : { jti: overrides.jti }),
  });
}

/** The client's public JWK (required members, as a proof carries it). */
export function clientJwk(): Record<string, unknown> {
  const { kty, crv, x, y } = exportJwk(client.publicKey);
  return { kty, crv, x, y };
}

/** An honest proof's claims, to forge from. */
export function proofClaims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { jti: 'forged-1', htm: 'GET', htu: HTU, iat: NOW_S, ath: accessTokenHash(ACCESS_TOKEN), ...extra };
}

/** A proof with any header and claims, signed by `key` (default the client's) as `alg` (default the header's). */
export function forgedProof(opts: {
  header?: Record<string, unknown>;
  payload?: Record<string, unknown> | string;
  key?: SigningKey;
  alg?: string;
}): string {
  return forge({
    header: opts.header ?? { typ: 'dpop+jwt', alg: 'ES256', jwk: clientJwk() },
    payload: opts.payload ?? proofClaims(),
    key: opts.key ?? client.privateKey.keyObject,
    ...(opts.alg === undefined ? {} : { alg: opts.alg }),
  });
}
