// A21: weak RSA and other key types (jsonwebtoken CVE-2022-23539). RSA under
// 2048 bits, e ≠ 65537, a ROCA modulus (CVE-2017-15361), DSA and the other key
// types that are not RSA, EC P-256/384/521 or Ed25519. Such keys can't become
// Keys, so they can neither sign nor verify.
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  type Alg,
  createKeySet,
  createRemoteKeySet,
  generateKeyPair,
  importJwk,
  importKeyObject,
  importPem,
  type Jwk,
  signJwt,
  verifyJwt,
} from '../../src/index.js';
import { assertRejects, assertRejectsAsync } from '../support/assert.js';
import { ROCA_MODULUS_B64U } from '../support/fixtures.js';
import { claims, forge, NOW } from '../support/forge.js';
import { pair } from '../support/keys.js';
import { listen, sendJson } from '../support/server.js';

const RSA_ALGS: Alg[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const ALL_ALGS: Alg[] = [...RSA_ALGS, 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** Every import path a verifier could take for a public KeyObject, each expected to throw `code`. */
function refusedEverywhere(
  publicKey: KeyObject,
  privateKey: KeyObject | undefined,
  algs: Alg[],
  code: 'ERR_KEY_WEAK' | 'ERR_KEY_INVALID',
): void {
  const spki = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  for (const alg of algs) {
    assertRejects(() => importKeyObject(publicKey, { alg }), code);
    assertRejects(() => importPem(spki, { alg }), code);
    if (privateKey !== undefined) {
      assertRejects(() => importKeyObject(privateKey, { alg }), code);
      assertRejects(
        () => importPem(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { alg }),
        code,
      );
    }
  }
}

/** node:crypto makes 'dh' KeyObjects, but @types/node has no overload for them. */
function generateDhPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  const generate = generateKeyPairSync as unknown as (
    type: 'dh',
    opts: { group: string },
  ) => { publicKey: KeyObject; privateKey: KeyObject };
  return generate('dh', { group: 'modp14' });
}

describe('A21: weak RSA keys and other key types', () => {
  it('control: 2048-bit RSA keys with e = 65537 import, sign and verify', () => {
    const { privateKey, publicKey } = pair('RS256');
    const token = signJwt(claims(), privateKey, { now: NOW });
    assert.equal(verifyJwt(token, publicKey, { algorithms: ['RS256'], now: NOW }).payload.sub, 'user-1');
    for (let i = 0; i < 3; i++) assert.equal(generateKeyPair('PS256').publicKey.alg, 'PS256');
  });

  for (const bits of [512, 1024, 2047]) {
    it(`${bits}-bit RSA ⇒ ERR_KEY_WEAK by every import path, for every RSA alg`, () => {
      // 2047 bits: just under the floor.
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
      refusedEverywhere(publicKey, privateKey, RSA_ALGS, 'ERR_KEY_WEAK');
      const pkcs1 = publicKey.export({ type: 'pkcs1', format: 'pem' }) as string;
      assertRejects(() => importPem(pkcs1, { alg: 'RS256' }), 'ERR_KEY_WEAK');
      const jwk = publicKey.export({ format: 'jwk' }) as Jwk;
      assertRejects(() => importJwk({ ...jwk, alg: 'RS256' }), 'ERR_KEY_WEAK');
      assertRejects(
        () => createKeySet({ keys: [{ ...jwk, alg: 'RS256', kid: 'weak' }] }),
        'ERR_JWKS_INVALID',
      );
      assertRejects(() => generateKeyPair('RS256', { modulusLength: bits }), 'ERR_KEY_WEAK');

      // A token signed with the weak key is never accepted: no verifier can hold that key.
      const token = forge({ header: { alg: 'RS256' }, payload: claims(), key: privateKey });
      assertRejects(
        () => verifyJwt(token, pair('RS256').publicKey, { algorithms: ['RS256'], now: NOW }),
        'ERR_JWS_INVALID_SIGNATURE',
      );
    });
  }

  it('e = 1, e = 3 and other exponents ⇒ ERR_KEY_WEAK', () => {
    const jwk = pair('RS256').publicKey.keyObject.export({ format: 'jwk' }) as Jwk;
    for (const e of ['AQ', 'Aw', 'EQ', 'AQAD', 'AQAAAQ']) {
      assertRejects(() => importJwk({ ...jwk, e, alg: 'RS256' }), 'ERR_KEY_WEAK');
    }
    const e3 = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 });
    refusedEverywhere(e3.publicKey, e3.privateKey, RSA_ALGS, 'ERR_KEY_WEAK');
  });

  it('a ROCA-fingerprinted 2048-bit modulus ⇒ ERR_KEY_WEAK', () => {
    const roca = { kty: 'RSA', n: ROCA_MODULUS_B64U, e: 'AQAB' };
    assert.equal(Buffer.from(ROCA_MODULUS_B64U, 'base64url').length, 256);
    for (const alg of RSA_ALGS) assertRejects(() => importJwk(roca, { alg }), 'ERR_KEY_WEAK');
    assertRejects(() => createKeySet({ keys: [{ ...roca, alg: 'RS256', kid: 'roca' }] }), 'ERR_JWKS_INVALID');
    // The same size and exponent without the fingerprint is fine: the check is the fingerprint.
    const n = Buffer.from(ROCA_MODULUS_B64U, 'base64url');
    n[n.length - 1] = (n[n.length - 1] as number) ^ 2;
    assert.equal(importJwk({ kty: 'RSA', n: n.toString('base64url'), e: 'AQAB', alg: 'RS256' }).alg, 'RS256');
  });

  it('DSA, DH, X25519, X448, Ed448 and secp256k1 keys ⇒ ERR_KEY_INVALID for every alg', () => {
    const others: [string, { publicKey: KeyObject; privateKey: KeyObject }][] = [
      ['dsa', generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 })],
      ['dh', generateDhPair()],
      ['x25519', generateKeyPairSync('x25519')],
      ['x448', generateKeyPairSync('x448')],
      ['ed448', generateKeyPairSync('ed448')],
      ['secp256k1', generateKeyPairSync('ec', { namedCurve: 'secp256k1' })],
      ['brainpoolP256r1', generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' })],
    ];
    for (const [name, keys] of others) {
      for (const alg of ALL_ALGS) {
        assertRejects(() => importKeyObject(keys.publicKey, { alg }), 'ERR_KEY_INVALID', { secrets: [name] });
        assertRejects(() => importKeyObject(keys.privateKey, { alg }), 'ERR_KEY_INVALID');
      }
      if (name !== 'dh') {
        const pem = keys.publicKey.export({ type: 'spki', format: 'pem' }) as string;
        for (const alg of ALL_ALGS) assertRejects(() => importPem(pem, { alg }), 'ERR_KEY_INVALID');
      }
    }
  });

  it('keys of one family never pass as another (EC as RSA, Ed25519 as EC, RSA-PSS as RS)', () => {
    const ec = pair('ES256').publicKey.keyObject;
    const ed = pair('EdDSA').publicKey.keyObject;
    const rsa = pair('RS256').publicKey.keyObject;
    for (const alg of RSA_ALGS) assertRejects(() => importKeyObject(ec, { alg }), 'ERR_KEY_INVALID');
    for (const alg of ['ES256', 'ES384', 'ES512'] as Alg[]) {
      assertRejects(() => importKeyObject(ed, { alg }), 'ERR_KEY_INVALID');
      assertRejects(() => importKeyObject(rsa, { alg }), 'ERR_KEY_INVALID');
    }
    assertRejects(() => importKeyObject(rsa, { alg: 'EdDSA' }), 'ERR_KEY_INVALID');
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
    assertRejects(() => importKeyObject(pss.publicKey, { alg: 'RS256' }), 'ERR_KEY_INVALID');
    assert.equal(importKeyObject(pss.publicKey, { alg: 'PS256' }).alg, 'PS256');
    const weakPss = generateKeyPairSync('rsa-pss', { modulusLength: 1024 });
    assertRejects(() => importKeyObject(weakPss.publicKey, { alg: 'PS256' }), 'ERR_KEY_WEAK');
  });

  it('a remote JWKS serving a 1024-bit key is refused as a whole', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    const server = await listen((_req, res) =>
      sendJson(res, { keys: [{ ...weak, alg: 'RS256', kid: 'weak' }] }),
    );
    try {
      await assertRejectsAsync(
        () => createRemoteKeySet(`${server.origin}/jwks.json`).reload(),
        'ERR_JWKS_INVALID',
      );
    } finally {
      await server.close();
    }
  });
});
