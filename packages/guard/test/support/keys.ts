import { createKeySet, generateKeyPair, type JwtClaims, type Key, signJwt } from '@tessera/jwt';

/** The issuer and audience every test guard expects. */
export const ISSUER = 'https://auth.example.test';
export const AUDIENCE = 'api';

/** One key pair per family; the guard sees only the public halves. */
export const ed = generateKeyPair('EdDSA', { kid: 'ed-1' });
export const ec = generateKeyPair('ES256', { kid: 'ec-1' });
export const rsa = generateKeyPair('RS256', { kid: 'rsa-1' });
/** A key pair the guard has never seen (the attacker's). */
export const attacker = generateKeyPair('EdDSA', { kid: 'ed-1' });

export const publicKeys = createKeySet([ed.publicKey, ec.publicKey, rsa.publicKey]);

/**
 * A deliberately permissive allow-list: HMAC and algorithms no key is bound to
 * are allowed, so that confusion attacks get past the allow-list and must be
 * stopped by key binding.
 */
export const PERMISSIVE_ALGORITHMS = ['EdDSA', 'ES256', 'ES384', 'RS256', 'RS512', 'PS256', 'HS256'] as const;

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The claims of a valid access token of user-1, session sess-1. */
export function accessClaims(overrides: JwtClaims = {}): JwtClaims {
  const now = nowSeconds();
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    sid: 'sess-1',
    roles: ['user'],
    permissions: ['profile:read'],
    iat: now,
    exp: now + 600,
    jti: 'jti-1',
    ...overrides,
  };
}

/** A valid access token (typ at+jwt), signed with `key` (default: the Ed25519 key). */
export function accessToken(overrides: JwtClaims = {}, key: Key = ed.privateKey): string {
  return signJwt(accessClaims(overrides), key, { typ: 'at+jwt' });
}

/** A client-credentials token (RFC 9068): `sub` and `client_id` are the client; no sid, roles or permissions. */
export function clientToken(scope: string | undefined, clientId = 'svc-1'): string {
  const now = nowSeconds();
  return signJwt(
    {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: clientId,
      client_id: clientId,
      ...(scope === undefined ? {} : { scope }),
      iat: now,
      exp: now + 600,
      jti: `jti-${clientId}`,
    },
    ed.privateKey,
    { typ: 'at+jwt' },
  );
}
