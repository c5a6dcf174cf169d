// A13: typ / cross-JWT confusion. A refresh, ID or email-verify token shown
// to the access-token path (Atlassian Connect CVE-2021-26074; RFC 8725
// §3.11–3.12, RFC 9068). Rules per kind: typ, plus a distinct aud or key.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKeySet, createVerifier, signJwt } from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import { claims, forge, NOW } from '../support/forge.js';
import { pair, secret } from '../support/keys.js';

const ISS = 'https://auth.example.com';

describe('A13: typ and cross-JWT confusion', () => {
  const accessKey = pair('ES256', 'at-2026');
  const refreshKey = secret('HS256', 'rt-2026');
  const access = createVerifier({
    keys: createKeySet([accessKey.publicKey]),
    algorithms: ['ES256'],
    typ: 'at+jwt',
    issuer: ISS,
    audience: 'api',
    now: NOW,
    cache: true,
  });
  const signAccess = (typ: unknown, extra: Record<string, unknown> = {}) =>
    forge({
      header: typ === undefined ? { alg: 'ES256', kid: 'at-2026' } : { alg: 'ES256', kid: 'at-2026', typ },
      payload: claims({ iss: ISS, aud: 'api', ...extra }),
      key: accessKey.privateKey.keyObject,
    });

  for (const typ of ['at+jwt', 'application/at+jwt', 'AT+JWT', 'Application/At+Jwt', 'APPLICATION/AT+JWT']) {
    it(`accepts typ "${typ}" (media types compare case-insensitively, application/ optional)`, () => {
      assert.equal(access.verify(signAccess(typ)).payload.aud, 'api');
    });
  }

  const wrongTyps: [string, unknown][] = [
    ['"JWT"', 'JWT'],
    ['"jwt"', 'jwt'],
    ['missing', undefined],
    ['"application/jwt"', 'application/jwt'],
    ['"rt+jwt" (refresh)', 'rt+jwt'],
    ['"refresh+jwt"', 'refresh+jwt'],
    ['"id_token+jwt"', 'id_token+jwt'],
    ['"logout+jwt"', 'logout+jwt'],
    ['"secevent+jwt"', 'secevent+jwt'],
    ['"at+jwt " (trailing space)', 'at+jwt '],
    ['" at+jwt" (leading space)', ' at+jwt'],
    ['"at+jwt; charset=utf-8"', 'at+jwt; charset=utf-8'],
    ['"application/application/at+jwt"', 'application/application/at+jwt'],
    ['"xat+jwt"', 'xat+jwt'],
    ['"at+jwtx"', 'at+jwtx'],
    ['"at"', 'at'],
    ['"+jwt"', '+jwt'],
    ['"" (empty)', ''],
    ['["at+jwt"]', ['at+jwt']],
    ['a number', 1],
    ['null', null],
    ['an object', { typ: 'at+jwt' }],
  ];
  for (const [label, typ] of wrongTyps) {
    it(`refuses typ ${label} even when signed with the access-token key`, () => {
      const token = signAccess(typ);
      assertRejects(() => access.verify(token), 'ERR_JWT_CLAIM_INVALID', { token, claim: 'typ' });
      // A refused header is not memoized as good: the second try fails the same way.
      assertRejects(() => access.verify(token), 'ERR_JWT_CLAIM_INVALID', { token, claim: 'typ' });
    });
  }

  it('a refresh token (own typ, own key) is refused on the access path, and vice versa', () => {
    const refresh = signJwt({ sub: 'user-1', sid: 's1' }, refreshKey.key, {
      typ: 'rt+jwt',
      issuer: ISS,
      audience: 'api',
      expiresIn: '30d',
      now: NOW,
    });
    assertRejects(() => access.verify(refresh), 'ERR_JWS_ALG_NOT_ALLOWED', { token: refresh });
    const broad = createVerifier({
      keys: createKeySet([accessKey.publicKey]),
      algorithms: ['ES256', 'HS256'],
      typ: 'at+jwt',
      issuer: ISS,
      audience: 'api',
      now: NOW,
    });
    assertRejects(() => broad.verify(refresh), 'ERR_JWT_CLAIM_INVALID', { claim: 'typ' });
    // Even relabelled at+jwt by someone holding the refresh key, the access path has no key for it.
    const relabelled = signJwt(claims({ iss: ISS, aud: 'api' }), refreshKey.key, { typ: 'at+jwt', now: NOW });
    assertRejects(() => broad.verify(relabelled), 'ERR_JWKS_NO_MATCHING_KEY');

    const refreshPath = createVerifier({
      keys: refreshKey.key,
      algorithms: ['HS256'],
      typ: 'rt+jwt',
      issuer: ISS,
      now: NOW,
    });
    assert.equal(refreshPath.verify(refresh).payload.sid, 's1');
    const accessToken = signAccess('at+jwt');
    assertRejects(() => refreshPath.verify(accessToken), 'ERR_JWS_ALG_NOT_ALLOWED');
  });

  it('an ID token from the same issuer and key is refused by typ, and by aud when relabelled', () => {
    const idToken = forge({
      header: { alg: 'ES256', kid: 'at-2026', typ: 'JWT' },
      payload: claims({ iss: ISS, aud: 'client-123', nonce: 'n', email: 'a@example.com' }),
      key: accessKey.privateKey.keyObject,
    });
    assertRejects(() => access.verify(idToken), 'ERR_JWT_CLAIM_INVALID', { claim: 'typ' });
    const relabelled = signAccess('at+jwt', { aud: 'client-123' });
    assertRejects(() => access.verify(relabelled), 'ERR_JWT_CLAIM_INVALID', { claim: 'aud' });
  });

  it('an email-verification token (JWT typ, its own aud) is refused', () => {
    for (const [typ, aud] of [
      ['JWT', 'email-verify'],
      ['email-verify+jwt', 'email-verify'],
      ['at+jwt', 'email-verify'],
    ] as const) {
      const token = signAccess(typ, { aud, email: 'a@example.com' });
      assertRejects(() => access.verify(token), 'ERR_JWT_CLAIM_INVALID', {
        claim: typ === 'at+jwt' ? 'aud' : 'typ',
      });
    }
  });

  it('an empty or non-string typ option is refused at construction', () => {
    for (const typ of ['', 1, ['at+jwt'], null]) {
      assertRejects(
        () => createVerifier({ keys: accessKey.publicKey, algorithms: ['ES256'], typ: typ as never }),
        'ERR_INVALID_OPTIONS',
      );
    }
  });
});
