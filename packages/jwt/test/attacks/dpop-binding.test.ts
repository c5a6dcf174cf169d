// DPoP binding (docs/security.md P1–P5): a DPoP-bound access token is accepted
// only with a proof for this very request (method, URL), by the key the token
// is bound to, carrying the hash of this very token.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDpopProof, signJwt, verifyDpopProof, verifyJwt } from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import {
  ACCESS_TOKEN,
  attacker,
  CLIENT_JKT,
  client,
  clientJwk,
  forgedProof,
  HTU,
  honestProof,
  proofClaims,
  VERIFY,
} from '../support/dpop.js';
import { NOW } from '../support/forge.js';

describe('P1: a DPoP-bound token without a proof', () => {
  it('the honest proof passes (control)', () => {
    assert.equal(verifyDpopProof(honestProof(), VERIFY).jkt, CLIENT_JKT);
  });

  for (const [label, proof] of [
    ['no DPoP header', undefined],
    ['an empty DPoP header', ''],
    ['two proofs joined', `${honestProof()},${honestProof()}`],
  ] as const) {
    it(`${label} is refused`, () => {
      assertRejects(() => verifyDpopProof(proof as never, VERIFY), 'ERR_DPOP_INVALID');
    });
  }
});

describe('P2: a proof for another request', () => {
  for (const htm of ['POST', 'get', 'GET ', 'DELETE']) {
    it(`made for ${JSON.stringify(htm)} is refused for GET`, () => {
      const proof = forgedProof({ payload: proofClaims({ htm }) });
      assertRejects(() => verifyDpopProof(proof, VERIFY), 'ERR_DPOP_HTM_MISMATCH');
    });
  }

  for (const htu of [
    'https://api.example.com/orders/1',
    'https://api.example.com/Orders',
    'http://api.example.com/orders',
    'https://api.example.com:8443/orders',
    'https://evil.example/orders',
    'https://api.example.com.evil.example/orders',
    'https://user@api.example.com/orders',
    'not a url',
  ]) {
    it(`made for ${htu} is refused for ${HTU}`, () => {
      const proof = forgedProof({ payload: proofClaims({ htu }) });
      assertRejects(() => verifyDpopProof(proof, VERIFY), 'ERR_DPOP_HTU_MISMATCH');
    });
  }

  it('made for the same URL with another query still passes (RFC 9449 §4.3 ignores it)', () => {
    assert.equal(verifyDpopProof(honestProof({ htu: `${HTU}?page=2` }), VERIFY).jkt, CLIENT_JKT);
  });
});

describe('P3: a proof by another key', () => {
  it("signed and carrying the attacker's own key is refused for a token bound to the client", () => {
    const proof = createDpopProof(attacker.privateKey, {
      htm: 'GET',
      htu: HTU,
      accessToken: ACCESS_TOKEN,
      now: NOW,
    });
    assertRejects(() => verifyDpopProof(proof, VERIFY), 'ERR_DPOP_JKT_MISMATCH');
  });

  it("carrying the client's key but signed by the attacker is refused", () => {
    const proof = forgedProof({ key: attacker.privateKey.keyObject });
    assertRejects(() => verifyDpopProof(proof, VERIFY), 'ERR_DPOP_INVALID');
  });

  it('with the signature of another proof of the client is refused', () => {
    const other = honestProof({ jti: 'other' }).split('.')[2];
    const [h, p] = forgedProof({}).split('.');
    assertRejects(() => verifyDpopProof(`${h}.${p}.${other}`, VERIFY), 'ERR_DPOP_INVALID');
  });
});

describe('P4: a proof for another access token', () => {
  it('with the hash of another token is refused', () => {
    const proof = createDpopProof(client.privateKey, {
      htm: 'GET',
      htu: HTU,
      accessToken: 'another-token',
      now: NOW,
    });
    assertRejects(() => verifyDpopProof(proof, VERIFY), 'ERR_DPOP_ATH_MISMATCH');
  });

  for (const [label, ath] of [
    ['no ath', undefined],
    ['an empty ath', ''],
    ['a number', 5],
    ['the token itself', ACCESS_TOKEN],
  ] as const) {
    it(`with ${label} is refused when a token comes with it`, () => {
      const proof = forgedProof({ payload: proofClaims({ ath }) });
      assertRejects(() => verifyDpopProof(proof, VERIFY), 'ERR_DPOP_ATH_MISMATCH');
    });
  }
});

describe('P5: a proof presented as a Bearer token, and a token presented as a proof', () => {
  it('a proof never verifies as an access token, even with its own key', () => {
    const proof = honestProof();
    assertRejects(
      () => verifyJwt(proof, client.publicKey, { algorithms: ['ES256'], typ: 'at+jwt', now: NOW }),
      'ERR_JWT_CLAIM_INVALID',
    );
  });

  it('an access token never verifies as a proof, even one carrying a jwk header', () => {
    const token = signJwt({ sub: 'user-1' }, client.privateKey, { typ: 'at+jwt', expiresIn: 600, now: NOW });
    assertRejects(() => verifyDpopProof(token, VERIFY), 'ERR_DPOP_INVALID');
    const withJwk = forgedProof({ header: { typ: 'at+jwt', alg: 'ES256', jwk: clientJwk() } });
    assertRejects(() => verifyDpopProof(withJwk, VERIFY), 'ERR_DPOP_INVALID');
  });
});
