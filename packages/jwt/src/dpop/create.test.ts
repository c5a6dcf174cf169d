import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateKeyPair, generateSecret } from '../jwk/generate.js';
import type { Alg } from '../lib/algs.js';
import { createDpopProof } from './create.js';
import { accessTokenHash } from './htu.js';
import { verifyDpopProof } from './verify.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const HTU = 'https://api.example.com/orders';

function decode(proof: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = proof.split('.');
  return {
    header: JSON.parse(Buffer.from(h as string, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p as string, 'base64url').toString()) as Record<string, unknown>,
  };
}

describe('createDpopProof', () => {
  const { privateKey } = generateKeyPair('ES256', { kid: 'k1' });

  test('writes typ dpop+jwt, the alg and the public key with its required members only', () => {
    const { header } = decode(createDpopProof(privateKey, { htm: 'GET', htu: HTU, now: NOW }));
    assert.deepEqual(Object.keys(header), ['typ', 'alg', 'jwk']);
    assert.equal(header.typ, 'dpop+jwt');
    assert.equal(header.alg, 'ES256');
    assert.deepEqual(Object.keys(header.jwk as object), ['crv', 'kty', 'x', 'y']);
  });

  test('writes jti, htm, htu without query and fragment, iat, ath and nonce', () => {
    const proof = createDpopProof(privateKey, {
      htm: 'POST',
      htu: 'https://API.example.com:443/orders?x=1#f',
      accessToken: 'token-1',
      nonce: 'n-1',
      now: NOW,
    });
    const { payload } = decode(proof);
    assert.match(payload.jti as string, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(payload.htm, 'POST');
    assert.equal(payload.htu, HTU);
    assert.equal(payload.iat, NOW.getTime() / 1000);
    assert.equal(payload.ath, accessTokenHash('token-1'));
    assert.equal(payload.nonce, 'n-1');
  });

  test('a fresh jti every time, unless one is given', () => {
    const a = decode(createDpopProof(privateKey, { htm: 'GET', htu: HTU })).payload.jti;
    const b = decode(createDpopProof(privateKey, { htm: 'GET', htu: HTU })).payload.jti;
    assert.notEqual(a, b);
    assert.equal(
      decode(createDpopProof(privateKey, { htm: 'GET', htu: HTU, jti: 'mine' })).payload.jti,
      'mine',
    );
  });

  for (const alg of ['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'PS256'] as Alg[]) {
    test(`${alg}: verifies with verifyDpopProof`, () => {
      const key = alg === 'ES256' ? privateKey : generateKeyPair(alg).privateKey;
      const proof = createDpopProof(key, { htm: 'GET', htu: HTU, accessToken: 'at', now: NOW });
      const verified = verifyDpopProof(proof, {
        htm: 'GET',
        htu: HTU,
        algorithms: [alg],
        accessToken: 'at',
        now: NOW,
      });
      assert.equal(verified.header.alg, alg);
    });
  }

  test('refuses public, secret and look-alike keys', () => {
    const { publicKey } = generateKeyPair('EdDSA');
    for (const key of [publicKey, generateSecret('HS256'), { alg: 'ES256', sign: () => 'x' }]) {
      assert.throws(() => createDpopProof(key as never, { htm: 'GET', htu: HTU }), {
        code: 'ERR_INVALID_OPTIONS',
      });
    }
  });

  test('refuses bad options', () => {
    const bad: object[] = [
      { htm: '', htu: HTU },
      { htm: 'GET POST', htu: HTU },
      { htm: 'GET', htu: 'ftp://example.com/' },
      { htm: 'GET', htu: 'https://u:p@example.com/' },
      { htm: 'GET', htu: HTU, accessToken: 'a', ath: 'b' },
      { htm: 'GET', htu: HTU, jti: '' },
      { htm: 'GET', htu: HTU, now: new Date(Number.NaN) },
    ];
    for (const opts of bad) {
      assert.throws(
        () => createDpopProof(privateKey, opts as never),
        { code: 'ERR_INVALID_OPTIONS' },
        JSON.stringify(opts),
      );
    }
  });
});
