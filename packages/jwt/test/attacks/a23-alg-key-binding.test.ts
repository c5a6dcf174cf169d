// A23: header alg vs key binding. A JWKS key without alg plus an
// attacker-chosen header alg (RS256 key with PS256/RS512, P-256 key with
// ES384), a kid pointing at a key of another type (php-jwt CVE-2021-46743,
// Hono CVE-2026-22818 and CVE-2026-22817). Each key is bound to one alg.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Alg,
  createKeySet,
  createVerifier,
  exportJwk,
  importJwk,
  importKeyObject,
  type Jwk,
  signJwt,
  verifyJwt,
} from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import { claims, forge, NOW, type SigningKey } from '../support/forge.js';
import { pair } from '../support/keys.js';

const RSA_ALGS: Alg[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const ALL: Alg[] = [...RSA_ALGS, 'HS256', 'HS384', 'HS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

function bare(jwk: Jwk): Jwk {
  const { alg: _bound, ...rest } = jwk;
  return rest as Jwk;
}

describe('A23: the header alg must equal the key’s bound alg', () => {
  const rsa = pair('RS256', 'rsa');
  const ec = pair('ES256', 'ec');

  it('RS256 key material, signed with every other RSA alg (valid signatures!), is refused', () => {
    const verifier = rsa.publicKey;
    const set = createKeySet([verifier]);
    for (const alg of RSA_ALGS) {
      const token = forge({ header: { alg, kid: 'rsa' }, payload: claims(), key: rsa.privateKey.keyObject });
      if (alg === 'RS256') {
        assert.equal(verifyJwt(token, verifier, { algorithms: ['RS256'], now: NOW }).payload.sub, 'user-1');
        continue;
      }
      // Control: the same key material, bound to the header's alg, would accept it.
      const rebound = importKeyObject(rsa.publicKey.keyObject, { alg });
      assert.equal(verifyJwt(token, rebound, { algorithms: [alg], now: NOW }).payload.sub, 'user-1');

      assertRejects(
        () => verifyJwt(token, verifier, { algorithms: RSA_ALGS, now: NOW }),
        'ERR_KEY_ALG_MISMATCH',
        {
          token,
        },
      );
      assertRejects(
        () => verifyJwt(token, set, { algorithms: RSA_ALGS, now: NOW }),
        'ERR_JWKS_NO_MATCHING_KEY',
        {
          token,
        },
      );
      assertRejects(
        () => verifyJwt(token, verifier, { algorithms: ['RS256'], now: NOW }),
        'ERR_JWS_ALG_NOT_ALLOWED',
      );
    }
  });

  it('a JWKS RSA key without alg is never used (its alg cannot be known)', () => {
    const set = createKeySet({ keys: [bare(exportJwk(rsa.publicKey))] });
    assert.equal(set.keys.length, 0);
    for (const alg of RSA_ALGS) {
      const token = forge({ header: { alg, kid: 'rsa' }, payload: claims(), key: rsa.privateKey.keyObject });
      assertRejects(
        () => verifyJwt(token, set, { algorithms: RSA_ALGS, now: NOW }),
        'ERR_JWKS_NO_MATCHING_KEY',
      );
    }
    assertRejects(() => importJwk(bare(exportJwk(rsa.publicKey))), 'ERR_KEY_INVALID');
  });

  it('a P-256 key (with or without alg) only ever verifies ES256', () => {
    for (const jwk of [exportJwk(ec.publicKey), bare(exportJwk(ec.publicKey))]) {
      const key = importJwk(jwk);
      assert.equal(key.alg, 'ES256');
      const set = createKeySet({ keys: [jwk] });
      for (const alg of ['ES384', 'ES512'] as Alg[]) {
        const token = forge({ header: { alg, kid: 'ec' }, payload: claims(), key: ec.privateKey.keyObject });
        assertRejects(() => verifyJwt(token, key, { algorithms: ALL, now: NOW }), 'ERR_KEY_ALG_MISMATCH', {
          token,
        });
        assertRejects(
          () => verifyJwt(token, set, { algorithms: ALL, now: NOW }),
          'ERR_JWKS_NO_MATCHING_KEY',
          { token },
        );
      }
      assertRejects(
        () => importJwk(jwk, { alg: 'ES384' }),
        jwk.alg === undefined ? 'ERR_KEY_INVALID' : 'ERR_KEY_ALG_MISMATCH',
      );
    }
  });

  it('a kid pointing at a key of another type finds nothing', () => {
    const ed = pair('EdDSA', 'ed');
    const set = createKeySet([rsa.publicKey, ec.publicKey, ed.publicKey]);
    const cases: [Alg, string, SigningKey][] = [
      ['RS256', 'ec', rsa.privateKey.keyObject],
      ['ES256', 'rsa', ec.privateKey.keyObject],
      ['EdDSA', 'ec', ed.privateKey.keyObject],
      ['ES256', 'ed', ec.privateKey.keyObject],
      ['HS256', 'rsa', Buffer.alloc(32, 1)],
      ['HS256', 'ec', Buffer.alloc(32, 1)],
    ];
    for (const [alg, kid, key] of cases) {
      const token = forge({ header: { alg, kid }, payload: claims(), key });
      assertRejects(() => verifyJwt(token, set, { algorithms: ALL, now: NOW }), 'ERR_JWKS_NO_MATCHING_KEY', {
        token,
      });
      const cached = createVerifier({ keys: set, algorithms: ALL, now: NOW, cache: true });
      assertRejects(() => cached.verify(token), 'ERR_JWKS_NO_MATCHING_KEY', { token });
    }
  });

  it('JWK alg and the requested alg must agree (the RFC 7520 / Wycheproof PS256-key-for-PS384 trap)', () => {
    const jwk = exportJwk(importKeyObject(rsa.publicKey.keyObject, { alg: 'PS256' }));
    assertRejects(() => importJwk(jwk, { alg: 'PS384' }), 'ERR_KEY_ALG_MISMATCH');
    const key = importJwk(jwk);
    const ps384 = forge({ header: { alg: 'PS384' }, payload: claims(), key: rsa.privateKey.keyObject });
    assertRejects(
      () => verifyJwt(ps384, key, { algorithms: ['PS256', 'PS384'], now: NOW }),
      'ERR_KEY_ALG_MISMATCH',
    );
    // ES521 is not an algorithm name: such a JWK is refused rather than guessed at.
    const p521 = exportJwk(pair('ES512').publicKey);
    assertRejects(() => importJwk({ ...p521, alg: 'ES521' }), 'ERR_KEY_INVALID');
  });

  it('no default alg: construction without algorithms fails, and the key alg must be allowed', () => {
    assertRejects(() => createVerifier({ keys: rsa.publicKey } as never), 'ERR_INVALID_OPTIONS');
    assertRejects(() => createVerifier({ keys: rsa.publicKey, algorithms: [] }), 'ERR_INVALID_OPTIONS');
    assertRejects(
      () => createVerifier({ keys: rsa.publicKey, algorithms: ['PS256'] }),
      'ERR_INVALID_OPTIONS',
    );
    assertRejects(
      () => createVerifier({ keys: rsa.publicKey, algorithms: ['HS256'] }),
      'ERR_INVALID_OPTIONS',
    );
  });

  it('signing binds the alg too', () => {
    assertRejects(() => signJwt(claims(), rsa.privateKey, { alg: 'PS256' }), 'ERR_KEY_ALG_MISMATCH');
    assertRejects(() => signJwt(claims(), rsa.privateKey, { alg: 'HS256' }), 'ERR_KEY_ALG_MISMATCH');
  });
});
