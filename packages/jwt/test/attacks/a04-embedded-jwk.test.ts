// A4: the attacker makes a key pair, embeds its public half in the header
// (`jwk`, or a certificate in `x5c`) and signs with the private half
// (node-jose CVE-2018-0114, Authlib CVE-2026-27962, Dart jose CVE-2026-34240).
import assert from 'node:assert/strict';
import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  type Alg,
  createKeySet,
  createVerifier,
  exportJwk,
  signJws,
  verifyJws,
  verifyJwt,
} from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import { TEST_CERT_KEY_PEM, TEST_CERT_PEM } from '../support/fixtures.js';
import { claims, forge, NOW } from '../support/forge.js';
import { freshPair, pair, secret } from '../support/keys.js';

describe('A4: keys embedded in the token header are ignored', () => {
  for (const alg of ['ES256', 'RS256', 'EdDSA'] as const) {
    describe(alg, () => {
      const trusted = pair(alg, 'trusted');
      const attacker = freshPair(alg, 'trusted');
      const attackerJwk = exportJwk(attacker.publicKey);
      const opts = { algorithms: [alg] as Alg[], now: NOW };
      const headers: [string, Record<string, unknown>][] = [
        ['jwk', { alg, jwk: attackerJwk }],
        ['jwk and the trusted kid', { alg, kid: 'trusted', jwk: attackerJwk }],
        ['jwk with a kid nobody knows', { alg, kid: 'attacker', jwk: { ...attackerJwk, kid: 'attacker' } }],
      ];
      for (const [label, header] of headers) {
        it(`a token signed by the attacker with ${label} in the header is refused`, () => {
          const token = forge({ header, payload: claims(), key: attacker.privateKey.keyObject });
          // Control: the forgery verifies with the embedded key, so only key selection stops it.
          const embedded = createKeySet({ keys: [header.jwk as never] });
          const byEmbedded = verifyJwt(token, embedded, opts);
          assert.equal(byEmbedded.payload.sub, 'user-1');

          assertRejects(() => verifyJwt(token, trusted.publicKey, opts), 'ERR_JWS_INVALID_SIGNATURE', {
            token,
          });
          assertRejects(() => verifyJws(token, trusted.publicKey, opts), 'ERR_JWS_INVALID_SIGNATURE', {
            token,
          });
          const set = createKeySet([trusted.publicKey]);
          const code = header.kid === 'attacker' ? 'ERR_JWKS_NO_MATCHING_KEY' : 'ERR_JWS_INVALID_SIGNATURE';
          assertRejects(() => verifyJwt(token, set, opts), code, { token });
          const verifier = createVerifier({ keys: set, ...opts, cache: true });
          assertRejects(() => verifier.verify(token), code, { token });
        });
      }
    });
  }

  it('an oct jwk in the header, MAC keyed with it (HS256), is refused', () => {
    const trusted = secret('HS256', 'trusted');
    const k = randomBytes(32);
    for (const kid of [undefined, 'trusted']) {
      const header = {
        alg: 'HS256',
        ...(kid ? { kid } : {}),
        jwk: { kty: 'oct', k: k.toString('base64url') },
      };
      const token = forge({ header, payload: claims(), key: k });
      const opts = { algorithms: ['HS256'] as Alg[], now: NOW };
      assertRejects(() => verifyJwt(token, trusted.key, opts), 'ERR_JWS_INVALID_SIGNATURE', {
        token,
        secrets: [k, trusted.bytes],
      });
      assertRejects(() => verifyJwt(token, createKeySet([trusted.key]), opts), 'ERR_JWS_INVALID_SIGNATURE', {
        token,
      });
      // With an asymmetric verifier the oct trick does not even reach a key.
      const es = pair('ES256');
      assertRejects(
        () => verifyJwt(token, es.publicKey, { algorithms: ['ES256'], now: NOW }),
        'ERR_JWS_ALG_NOT_ALLOWED',
      );
    }
  });

  it('a certificate in x5c, signed with its private key, is refused', () => {
    const trusted = pair('ES256');
    const x5c = [new X509Certificate(TEST_CERT_PEM).raw.toString('base64')];
    const token = forge({
      header: { alg: 'ES256', x5c },
      payload: claims(),
      key: createPrivateKey(TEST_CERT_KEY_PEM),
    });
    assertRejects(
      () => verifyJwt(token, trusted.publicKey, { algorithms: ['ES256'], now: NOW }),
      'ERR_JWS_INVALID_SIGNATURE',
      { token },
    );
  });

  it('Authlib CVE-2026-27962: no key given never means "use the header jwk"', () => {
    const attacker = freshPair('ES256');
    const token = forge({
      header: { alg: 'ES256', jwk: exportJwk(attacker.publicKey) },
      payload: claims(),
      key: attacker.privateKey.keyObject,
    });
    for (const keys of [undefined, null]) {
      assertRejects(
        () => verifyJwt(token, keys as never, { algorithms: ['ES256'], now: NOW }),
        'ERR_INVALID_OPTIONS',
      );
      assertRejects(() => verifyJws(token, keys as never, { algorithms: ['ES256'] }), 'ERR_INVALID_OPTIONS');
    }
  });

  it('the library itself refuses to sign with jwk, x5c, jku or x5u headers', () => {
    const { privateKey } = pair('ES256');
    for (const name of ['jwk', 'x5c', 'jku', 'x5u']) {
      assertRejects(() => signJws('{}', privateKey, { header: { [name]: 'x' } }), 'ERR_INVALID_OPTIONS');
    }
  });
});
