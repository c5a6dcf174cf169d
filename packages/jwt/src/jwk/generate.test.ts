import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Alg } from '../lib/algs.js';
import { generateKeyPair, generateSecret } from './generate.js';

const invalid = { name: 'JwtError', code: 'ERR_INVALID_OPTIONS' };

test('generateKeyPair makes a bound pair for every asymmetric algorithm', () => {
  const expected: [Alg, string, Record<string, unknown>, number][] = [
    ['RS256', 'rsa', { modulusLength: 2048 }, 342],
    ['PS512', 'rsa', { modulusLength: 2048 }, 342],
    ['ES256', 'ec', { namedCurve: 'prime256v1' }, 86],
    ['ES384', 'ec', { namedCurve: 'secp384r1' }, 128],
    ['ES512', 'ec', { namedCurve: 'secp521r1' }, 176],
    ['EdDSA', 'ed25519', {}, 86],
  ];
  for (const [alg, type, details, signatureLength] of expected) {
    const { privateKey, publicKey } = generateKeyPair(alg, { kid: `kid-${alg}` });
    assert.equal(privateKey.alg, alg);
    assert.equal(publicKey.alg, alg);
    assert.equal(privateKey.kid, `kid-${alg}`);
    assert.equal(privateKey.type, 'private');
    assert.equal(publicKey.type, 'public');
    assert.equal(publicKey.keyObject.asymmetricKeyType, type);
    for (const [name, value] of Object.entries(details)) {
      assert.equal((publicKey.keyObject.asymmetricKeyDetails as Record<string, unknown>)[name], value, name);
    }
    assert.equal(publicKey.signatureLength, signatureLength, alg);
    assert.ok(privateKey.sign, 'a private key signs');
    assert.equal(publicKey.sign, undefined, 'a public key does not');
  }
});

test('generateKeyPair takes a modulusLength, and refuses weak or symmetric requests', () => {
  const { publicKey } = generateKeyPair('RS256', { modulusLength: 3072 });
  assert.equal(publicKey.keyObject.asymmetricKeyDetails?.modulusLength, 3072);
  assert.equal(publicKey.signatureLength, 512);
  assert.equal(generateKeyPair('ES256').publicKey.kid, undefined);
  assert.throws(() => generateKeyPair('RS256', { modulusLength: 1024 }), { code: 'ERR_KEY_WEAK' });
  assert.throws(() => generateKeyPair('HS256'), invalid);
  assert.throws(() => generateKeyPair('none' as Alg), invalid);
  assert.throws(() => generateKeyPair('es256' as Alg), invalid);
  assert.throws(() => generateKeyPair('EdDSA', { kid: '' }), invalid);
  assert.throws(() => generateKeyPair('EdDSA', { kid: 'k'.repeat(257) }), invalid);
  assert.equal(generateKeyPair('EdDSA', { kid: 'k'.repeat(256) }).publicKey.kid?.length, 256);
});

test('generateSecret makes a secret as long as the hash', () => {
  for (const [alg, bytes] of [
    ['HS256', 32],
    ['HS384', 48],
    ['HS512', 64],
  ] as const) {
    const key = generateSecret(alg, { kid: 'mac' });
    assert.equal(key.alg, alg);
    assert.equal(key.kid, 'mac');
    assert.equal(key.type, 'secret');
    assert.equal(key.keyObject.symmetricKeySize, bytes);
  }
  assert.notDeepEqual(
    generateSecret('HS256').keyObject.export(),
    generateSecret('HS256').keyObject.export(),
    'random every time',
  );
  assert.throws(() => generateSecret('RS256' as 'HS256'), invalid);
  assert.throws(() => generateSecret('hs256' as 'HS256'), invalid);
});
