import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jwkThumbprint } from '../jwk/export.js';
import { generateKeyPair } from '../jwk/generate.js';
import { createDpopProof } from './create.js';
import { type VerifyDpopProofOptions, verifyDpopProof } from './verify.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const HTU = 'https://api.example.com/orders';
const { privateKey, publicKey } = generateKeyPair('EdDSA');
const OPTS: VerifyDpopProofOptions = { htm: 'GET', htu: HTU, algorithms: ['EdDSA'], now: NOW };

const proofAt = (iat: number) =>
  createDpopProof(privateKey, { htm: 'GET', htu: HTU, now: new Date(iat * 1000) });

describe('verifyDpopProof', () => {
  test('returns the header, claims, thumbprint and how long to remember the jti', () => {
    const proof = createDpopProof(privateKey, { htm: 'GET', htu: HTU, jti: 'j-1', now: NOW });
    const verified = verifyDpopProof(proof, { ...OPTS, expectedJkt: jwkThumbprint(publicKey) });
    assert.equal(verified.jkt, jwkThumbprint(publicKey));
    assert.equal(verified.jti, 'j-1');
    assert.equal(verified.iat, NOW_S);
    assert.equal(verified.header.typ, 'dpop+jwt');
    assert.equal(verified.payload.htm, 'GET');
    assert.equal(verified.expiresAt, (NOW_S + 60 + 5) * 1000);
  });

  test('compares htu after normalization, ignoring the query and fragment', () => {
    const proof = createDpopProof(privateKey, { htm: 'GET', htu: `${HTU}?page=2`, now: NOW });
    assert.equal(verifyDpopProof(proof, { ...OPTS, htu: 'HTTPS://API.EXAMPLE.COM:443/orders#x' }).iat, NOW_S);
  });

  test('iat window: maxAge plus clockTolerance into the past, clockTolerance into the future', () => {
    const opts = { ...OPTS, maxAge: '30s', clockTolerance: 2 };
    assert.equal(verifyDpopProof(proofAt(NOW_S - 32), opts).iat, NOW_S - 32);
    assert.throws(() => verifyDpopProof(proofAt(NOW_S - 33), opts), { code: 'ERR_DPOP_IAT' });
    assert.equal(verifyDpopProof(proofAt(NOW_S + 2), opts).iat, NOW_S + 2);
    assert.throws(() => verifyDpopProof(proofAt(NOW_S + 3), opts), { code: 'ERR_DPOP_IAT' });
  });

  test('the defaults: 60 s old and 5 s of skew', () => {
    assert.equal(verifyDpopProof(proofAt(NOW_S - 65), OPTS).iat, NOW_S - 65);
    assert.throws(() => verifyDpopProof(proofAt(NOW_S - 66), OPTS), { code: 'ERR_DPOP_IAT' });
    assert.throws(() => verifyDpopProof(proofAt(NOW_S + 6), OPTS), { code: 'ERR_DPOP_IAT' });
  });

  test('ath and nonce are checked only when the caller gives them', () => {
    const proof = createDpopProof(privateKey, {
      htm: 'GET',
      htu: HTU,
      accessToken: 'at',
      nonce: 'n',
      now: NOW,
    });
    assert.equal(verifyDpopProof(proof, OPTS).payload.ath !== undefined, true);
    assert.equal(verifyDpopProof(proof, { ...OPTS, accessToken: 'at', nonce: 'n' }).iat, NOW_S);
    assert.throws(() => verifyDpopProof(proof, { ...OPTS, nonce: 'other' }), { code: 'ERR_DPOP_NONCE' });
    const plain = createDpopProof(privateKey, { htm: 'GET', htu: HTU, now: NOW });
    assert.throws(() => verifyDpopProof(plain, { ...OPTS, nonce: 'n' }), { code: 'ERR_DPOP_NONCE' });
  });

  test('refuses bad options before looking at the proof', () => {
    const proof = proofAt(NOW_S);
    const bad: object[] = [
      { ...OPTS, algorithms: [] },
      { ...OPTS, algorithms: undefined },
      { ...OPTS, algorithms: ['none'] },
      { ...OPTS, algorithms: ['EdDSA', 'HS256'] },
      { ...OPTS, htm: '' },
      { ...OPTS, htu: 'ftp://example.com/' },
      { ...OPTS, maxProofLength: 0 },
      { ...OPTS, clockTolerance: 61 },
      { ...OPTS, maxAge: '1 minute' },
      { ...OPTS, nonce: '' },
      { ...OPTS, expectedJkt: 5 },
      { ...OPTS, now: new Date(Number.NaN) },
    ];
    for (const opts of bad) {
      assert.throws(
        () => verifyDpopProof(proof, opts as never),
        { code: 'ERR_INVALID_OPTIONS' },
        JSON.stringify(opts),
      );
    }
    assert.throws(() => verifyDpopProof(proof, undefined as never), { code: 'ERR_INVALID_OPTIONS' });
  });
});

describe('verifyDpopProof: the imported-key cache', () => {
  const htu = 'https://api.example.com/orders';
  const opts = { htm: 'GET', htu, algorithms: ['ES256', 'ES384'] } as VerifyDpopProofOptions;

  test('a second proof by the same key still has its signature checked', () => {
    const { privateKey } = generateKeyPair('ES256');
    assert.ok(verifyDpopProof(createDpopProof(privateKey, { htm: 'GET', htu }), opts).jkt);
    const next = createDpopProof(privateKey, { htm: 'GET', htu });
    const last = next.at(-2) === 'A' ? 'B' : 'A';
    const tampered = `${next.slice(0, -2)}${last}${next.at(-1)}`;
    assert.throws(() => verifyDpopProof(tampered, opts), { code: 'ERR_DPOP_INVALID' });
  });

  test('the same jwk under another alg is imported (and refused) anew', () => {
    const { privateKey } = generateKeyPair('ES256');
    verifyDpopProof(createDpopProof(privateKey, { htm: 'GET', htu }), opts);
    const [header = '', payload = '', signature = ''] = createDpopProof(privateKey, {
      htm: 'GET',
      htu,
    }).split('.');
    const json = JSON.parse(Buffer.from(header, 'base64url').toString());
    const relabelled = Buffer.from(JSON.stringify({ ...json, alg: 'ES384' })).toString('base64url');
    assert.throws(() => verifyDpopProof(`${relabelled}.${payload}.${signature}`, opts), {
      code: 'ERR_DPOP_INVALID',
    });
  });
});
