import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { exportJwk, jwkThumbprint } from './export.js';
import { generateKeyPair, generateSecret } from './generate.js';
import { importJwk, importKeyObject } from './import.js';
import type { Jwk } from './types.js';

const PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];
const rsa = generateKeyPair('PS256', { kid: 'r' });
const ec = generateKeyPair('ES256', { kid: 'e' });
const ed = generateKeyPair('EdDSA');

test('exportJwk writes public members only by default, with alg, use and kid', () => {
  for (const { privateKey, publicKey } of [rsa, ec, ed]) {
    for (const key of [privateKey, publicKey]) {
      const jwk = exportJwk(key);
      for (const member of PRIVATE) assert.equal(jwk[member], undefined, `${key.alg} ${member}`);
      assert.equal(jwk.alg, key.alg);
      assert.equal(jwk.use, 'sig');
      assert.equal(jwk.kid, key.kid);
      assert.equal(Object.hasOwn(jwk, 'kid'), key.kid !== undefined);
    }
    assert.deepEqual(exportJwk(privateKey), exportJwk(publicKey));
  }
  assert.deepEqual(Object.keys(exportJwk(ec.publicKey)).sort(), [
    'alg',
    'crv',
    'kid',
    'kty',
    'use',
    'x',
    'y',
  ]);
  assert.deepEqual(Object.keys(exportJwk(ed.publicKey)).sort(), ['alg', 'crv', 'kty', 'use', 'x']);
});

test('exportJwk writes private members only when asked', () => {
  const jwk = exportJwk(rsa.privateKey, { private: true });
  for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(typeof jwk[member], 'string', member);
  assert.equal(typeof exportJwk(ec.privateKey, { private: true }).d, 'string');
  assert.equal(exportJwk(ec.privateKey, { private: false }).d, undefined);
  // A public key has nothing private to write.
  assert.equal(exportJwk(ec.publicKey, { private: true }).d, undefined);
});

test('a secret exports only with private: true', () => {
  const secret = generateSecret('HS384', { kid: 'mac' });
  assert.throws(() => exportJwk(secret), { name: 'JwtError', code: 'ERR_INVALID_OPTIONS' });
  assert.throws(() => exportJwk(secret, { private: false }), { code: 'ERR_INVALID_OPTIONS' });
  const jwk = exportJwk(secret, { private: true });
  assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'k', 'kid', 'kty', 'use']);
  assert.equal(Buffer.from(jwk.k as string, 'base64url').length, 48);
  assert.equal(importJwk(jwk).alg, 'HS384');
});

test('a key with no JWK form (an RSA-PSS KeyObject) fails with a JwtError', () => {
  const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
  for (const key of [
    importKeyObject(pss.publicKey, { alg: 'PS256' }),
    importKeyObject(pss.privateKey, { alg: 'PS256' }),
  ]) {
    assert.throws(() => exportJwk(key), { name: 'JwtError', code: 'ERR_KEY_INVALID' });
    assert.throws(() => exportJwk(key, { private: true }), { name: 'JwtError', code: 'ERR_KEY_INVALID' });
    assert.throws(() => jwkThumbprint(key), { name: 'JwtError', code: 'ERR_KEY_INVALID' });
  }
});

test('exportJwk refuses what is not a Key', () => {
  assert.throws(() => exportJwk(ec.publicKey.keyObject as never), { code: 'ERR_INVALID_OPTIONS' });
  assert.throws(() => exportJwk({ alg: 'ES256' } as never), { code: 'ERR_INVALID_OPTIONS' });
});

test('jwkThumbprint hashes the required members only (RFC 7638)', () => {
  const jwk = exportJwk(ec.publicKey);
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  const expected = createHash('sha256').update(canonical).digest('base64url');
  assert.equal(jwkThumbprint(jwk), expected);
  assert.equal(jwkThumbprint({ ...jwk, kid: 'other', alg: 'ES256', use: 'sig', extra: 1 }), expected);
  assert.equal(jwkThumbprint(ec.publicKey), expected);
  assert.equal(jwkThumbprint(ec.privateKey), expected, 'a private key has its public key thumbprint');
  assert.equal(jwkThumbprint(exportJwk(ec.privateKey, { private: true })), expected);
  assert.equal(jwkThumbprint(rsa.privateKey), jwkThumbprint(rsa.publicKey));
  assert.equal(jwkThumbprint(ed.publicKey).length, 43);
  assert.notEqual(jwkThumbprint(ed.publicKey), jwkThumbprint(generateKeyPair('EdDSA').publicKey));
});

test('jwkThumbprint of a secret covers k and kty', () => {
  const secret = generateSecret('HS256');
  const k = exportJwk(secret, { private: true }).k as string;
  const expected = createHash('sha256').update(`{"k":"${k}","kty":"oct"}`).digest('base64url');
  assert.equal(jwkThumbprint(secret), expected);
});

test('jwkThumbprint refuses unsupported or incomplete JWKs', () => {
  const jwk = exportJwk(ec.publicKey);
  for (const bad of [{ kty: 'DSA' }, { kty: 'EC', crv: 'P-256', x: jwk.x }, { ...jwk, y: 5 }, {}, null]) {
    assert.throws(
      () => jwkThumbprint(bad as Jwk),
      { name: 'JwtError', code: 'ERR_KEY_INVALID' },
      JSON.stringify(bad),
    );
  }
});
