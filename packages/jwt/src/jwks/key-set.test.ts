import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportJwk } from '../jwk/export.js';
import { generateKeyPair, generateSecret } from '../jwk/generate.js';
import { importKeyObject } from '../jwk/import.js';
import type { Jwk } from '../jwk/types.js';
import { createKeySet, KeySet, MAX_KEYS } from './key-set.js';

const a = generateKeyPair('EdDSA', { kid: 'a' });
const b = generateKeyPair('ES256', { kid: 'b' });
const noKid = generateKeyPair('ES384');
const rsa = generateKeyPair('RS256', { kid: 'r' });
const invalid = { name: 'JwtError', code: 'ERR_JWKS_INVALID' };
const withoutAlg = ({ alg: _alg, ...jwk }: Jwk): Jwk => jwk;

test('find picks by exact kid and requires the bound alg', () => {
  const set = createKeySet([a.publicKey, b.publicKey, noKid.publicKey]);
  assert.ok(set instanceof KeySet);
  assert.equal(set.keys.length, 3);
  assert.equal(set.find('EdDSA', 'a'), a.publicKey);
  assert.equal(set.find('ES256', 'b'), b.publicKey);
  assert.equal(set.find('ES256', 'a'), undefined, 'kid a is bound to EdDSA');
  assert.equal(set.find('EdDSA', 'A'), undefined, 'kids are case-sensitive');
  assert.equal(set.find('EdDSA', 'c'), undefined);
  assert.equal(set.find('ES384', 'b'), undefined);
});

test('without a kid, the one key with the header alg is picked; two are ambiguous', () => {
  const set = createKeySet([a.publicKey, b.publicKey, noKid.publicKey]);
  assert.equal(set.find('ES384', undefined), noKid.publicKey);
  assert.equal(set.find('EdDSA', undefined), a.publicKey);
  assert.equal(set.find('RS256', undefined), undefined);
  const two = createKeySet([a.publicKey, generateKeyPair('EdDSA', { kid: 'a2' }).publicKey]);
  assert.equal(two.find('EdDSA', undefined), undefined);
  // A kid that is not in the set never falls back to a kid-less key.
  assert.equal(createKeySet([noKid.publicKey]).find('ES384', 'x'), undefined);
});

test('resolve throws ERR_JWKS_NO_MATCHING_KEY', () => {
  const set = createKeySet([a.publicKey]);
  assert.equal(set.resolve('EdDSA', 'a'), a.publicKey);
  assert.throws(() => set.resolve('EdDSA', 'zz'), { name: 'JwtError', code: 'ERR_JWKS_NO_MATCHING_KEY' });
  assert.throws(() => createKeySet([]).resolve('EdDSA', undefined), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
});

test('a set refuses duplicate kids, mixed secret and asymmetric keys, non-Keys and too many keys', () => {
  assert.throws(() => createKeySet([a.publicKey, { ...a.publicKey } as never]), invalid);
  assert.throws(() => createKeySet([a.publicKey, generateKeyPair('ES256', { kid: 'a' }).publicKey]), invalid);
  assert.throws(() => createKeySet([a.publicKey, generateSecret('HS256')]), invalid);
  const many = Array.from({ length: MAX_KEYS + 1 }, () =>
    importKeyObject(a.publicKey.keyObject, { alg: 'EdDSA' }),
  );
  assert.throws(() => createKeySet(many), invalid);
  assert.equal(createKeySet(many.slice(1)).keys.length, MAX_KEYS);
  // Secrets alone are fine.
  assert.equal(
    createKeySet([generateSecret('HS256', { kid: 's1' }), generateSecret('HS512', { kid: 's2' })]).keys
      .length,
    2,
  );
  // The keys list is frozen.
  assert.ok(Object.isFrozen(createKeySet([a.publicKey]).keys));
});

test('a JWKS object is imported; keys that cannot verify are skipped', () => {
  const set = createKeySet({
    keys: [
      exportJwk(a.publicKey),
      exportJwk(rsa.publicKey),
      { ...exportJwk(b.publicKey), use: 'enc', kid: 'enc' },
      { ...exportJwk(b.publicKey), key_ops: ['encrypt'], kid: 'ops' },
      { ...withoutAlg(exportJwk(rsa.publicKey)), kid: 'rsa-no-alg' },
      { kty: 'OKP', crv: 'X25519', x: exportJwk(a.publicKey).x as string, kid: 'x25519' },
      { kty: 'EC', crv: 'secp256k1', x: 'AA', y: 'AA', kid: 'k1' },
      { ...exportJwk(rsa.publicKey), alg: 'RSA-OAEP', kid: 'oaep' },
      { kty: 'DSA', kid: 'dsa' },
    ],
  });
  assert.deepEqual(
    set.keys.map((k) => k.kid),
    ['a', 'r'],
  );
});

test('a JWKS with a broken key of a supported kind is refused as a whole', () => {
  const bad: unknown[] = [
    { keys: [exportJwk(a.publicKey), { ...exportJwk(b.publicKey), y: exportJwk(a.publicKey).x }] },
    { keys: [{ ...exportJwk(rsa.publicKey), e: 'Aw' }] },
    { keys: [exportJwk(a.publicKey), 'not a key'] },
    { keys: 'nope' },
    { keys: [exportJwk(a.publicKey), exportJwk(a.publicKey)] },
    {},
    null,
  ];
  for (const jwks of bad)
    assert.throws(() => createKeySet(jwks as { keys: Jwk[] }), invalid, JSON.stringify(jwks)?.slice(0, 80));
  const tooMany = {
    keys: Array.from({ length: MAX_KEYS + 1 }, (_, i) => ({ ...exportJwk(a.publicKey), kid: `k${i}` })),
  };
  assert.throws(() => createKeySet(tooMany), invalid);
});

test('publicOnly refuses private and secret members', () => {
  const jwks = { keys: [exportJwk(a.publicKey), exportJwk(b.privateKey, { private: true })] };
  assert.equal(createKeySet(jwks).keys.length, 2);
  assert.throws(() => createKeySet(jwks, { publicOnly: true }), invalid);
  assert.throws(
    () =>
      createKeySet({ keys: [exportJwk(generateSecret('HS256'), { private: true })] }, { publicOnly: true }),
    invalid,
  );
  assert.equal(createKeySet({ keys: [exportJwk(a.publicKey)] }, { publicOnly: true }).keys.length, 1);
});
