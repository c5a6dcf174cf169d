// DPoP interop: the RFC 9449 example proof verifies; jose accepts our proofs as
// JWS with an embedded JWK; our verifier accepts proofs made by jose's SignJWT
// and by plain WebCrypto (what a browser client does), byte format and all.
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { describe, test } from 'node:test';
import * as jose from 'jose';
import {
  type Alg,
  accessTokenHash,
  createDpopProof,
  generateKeyPair,
  jwkThumbprint,
  verifyDpopProof,
} from '../src/index.js';
import { loadVectors } from './support/vectors.js';

interface Rfc9449File {
  proof: string;
  htm: string;
  htu: string;
  iat: number;
  jti: string;
  jwk: Record<string, string>;
  jkt: string;
  access_token: string;
  ath: string;
}

const rfc9449 = loadVectors<Rfc9449File>('rfc9449-dpop.json');
const NOW = new Date('2026-06-01T12:00:00Z');
const HTU = 'https://api.example.com/orders';
const TOKEN = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1LTEifQ.c2lnbmF0dXJl';

describe('RFC 9449 examples', () => {
  test('the example proof verifies at its iat, and its key has the published thumbprint', () => {
    const verified = verifyDpopProof(rfc9449.proof, {
      htm: rfc9449.htm,
      htu: rfc9449.htu,
      algorithms: ['ES256'],
      now: new Date(rfc9449.iat * 1000),
    });
    assert.equal(verified.jti, rfc9449.jti);
    assert.equal(verified.jkt, rfc9449.jkt);
    assert.equal(jwkThumbprint(rfc9449.jwk as never), rfc9449.jkt);
  });

  test('the example ath is the hash of the example access token', () => {
    assert.equal(accessTokenHash(rfc9449.access_token), rfc9449.ath);
  });
});

describe('jose verifies our proofs', () => {
  for (const alg of ['ES256', 'EdDSA', 'RS256', 'PS256'] as Alg[]) {
    test(alg, async () => {
      const { privateKey, publicKey } = generateKeyPair(alg);
      const proof = createDpopProof(privateKey, { htm: 'POST', htu: HTU, accessToken: TOKEN, now: NOW });
      const { payload, protectedHeader } = await jose.jwtVerify(proof, jose.EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: [alg],
        currentDate: NOW,
      });
      assert.equal(payload.htm, 'POST');
      assert.equal(payload.htu, HTU);
      assert.equal(payload.ath, accessTokenHash(TOKEN));
      assert.equal(
        await jose.calculateJwkThumbprint(protectedHeader.jwk as jose.JWK),
        jwkThumbprint(publicKey),
      );
    });
  }
});

describe('our verifier accepts proofs made elsewhere', () => {
  for (const alg of ['ES256', 'EdDSA', 'PS256'] as const) {
    test(`jose SignJWT, ${alg}, typ dpop+jwt and the embedded public jwk`, async () => {
      const { privateKey, publicKey } = await jose.generateKeyPair(alg, { extractable: true });
      const jwk = await jose.exportJWK(publicKey);
      const proof = await new jose.SignJWT({ htm: 'GET', htu: HTU, ath: accessTokenHash(TOKEN) })
        .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk })
        .setJti('jose-1')
        .setIssuedAt(NOW.getTime() / 1000)
        .sign(privateKey);
      const verified = verifyDpopProof(proof, {
        htm: 'GET',
        htu: HTU,
        algorithms: [alg],
        accessToken: TOKEN,
        expectedJkt: await jose.calculateJwkThumbprint(jwk),
        now: NOW,
      });
      assert.equal(verified.jti, 'jose-1');
    });
  }

  test('plain WebCrypto, as a browser client makes it (ES256, raw r‖s signature)', async () => {
    const subtle = webcrypto.subtle;
    const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const { kty, crv, x, y } = await subtle.exportKey('jwk', pair.publicKey);
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${encode({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } })}.${encode({
      jti: 'browser-1',
      htm: 'GET',
      htu: HTU,
      iat: NOW.getTime() / 1000,
      ath: accessTokenHash(TOKEN),
    })}`;
    const signature = await subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      pair.privateKey,
      Buffer.from(input),
    );
    const proof = `${input}.${Buffer.from(signature).toString('base64url')}`;
    const verified = verifyDpopProof(proof, {
      htm: 'GET',
      htu: HTU,
      algorithms: ['ES256'],
      accessToken: TOKEN,
      now: NOW,
    });
    assert.equal(verified.jkt, jwkThumbprint({ kty, crv, x, y } as never));
  });
});
