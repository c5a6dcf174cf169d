// A24: use / key_ops / JWKS hygiene (Wycheproof rejectWrongUse,
// rejectWrongKeyOps, json_web_key_test). Encryption keys never verify, sets
// don't mix secrets with public keys or repeat a kid, remote sets publish no
// private members, and exported JWKs carry none.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Alg,
  createKeySet,
  createRemoteKeySet,
  createVerifier,
  exportJwk,
  importJwk,
  type Jwk,
  type Key,
  signJwt,
  verifyJwt,
} from '../../src/index.js';
import { assertRejects, assertRejectsAsync } from '../support/assert.js';
import { claims, NOW } from '../support/forge.js';
import { pair, secret } from '../support/keys.js';
import { listen, sendJson } from '../support/server.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

describe('A24: use, key_ops and JWKS hygiene', () => {
  const es = pair('ES256', 'k1');
  const publicJwk = exportJwk(es.publicKey);
  const token = signJwt(claims(), es.privateKey, { now: NOW });
  const opts = { algorithms: ['ES256'] as Alg[], now: NOW };

  it('control: use "sig", key_ops ["verify"] and no use at all verify', () => {
    for (const jwk of [
      publicJwk,
      { ...publicJwk, key_ops: ['verify'] },
      { ...publicJwk, use: undefined as never },
    ]) {
      assert.equal(verifyJwt(token, importJwk(jwk), opts).payload.sub, 'user-1');
      assert.equal(verifyJwt(token, createKeySet({ keys: [jwk] }), opts).payload.sub, 'user-1');
    }
  });

  const encryptionOnly: [string, Jwk][] = [
    ['use "enc"', { ...publicJwk, use: 'enc' }],
    ['use "SIG" (case matters)', { ...publicJwk, use: 'SIG' }],
    ['key_ops ["encrypt"]', { ...publicJwk, key_ops: ['encrypt'] }],
    ['key_ops ["wrapKey", "unwrapKey"]', { ...publicJwk, key_ops: ['wrapKey', 'unwrapKey'] }],
    ['key_ops ["deriveKey"]', { ...publicJwk, key_ops: ['deriveKey'] }],
    ['key_ops []', { ...publicJwk, key_ops: [] }],
    ['use "enc" with key_ops ["verify"]', { ...publicJwk, use: 'enc', key_ops: ['verify'] }],
  ];
  for (const [label, jwk] of encryptionOnly) {
    it(`${label}: refused by importJwk, skipped in a JWKS, never verifies`, () => {
      assertRejects(() => importJwk(jwk), 'ERR_KEY_INVALID');
      const set = createKeySet({ keys: [jwk] });
      assert.equal(set.keys.length, 0);
      assertRejects(() => verifyJwt(token, set, opts), 'ERR_JWKS_NO_MATCHING_KEY', { token });
      assertRejects(() => createVerifier({ keys: set, ...opts }).verify(token), 'ERR_JWKS_NO_MATCHING_KEY');
    });
  }

  it('key_ops that is not an array is refused', () => {
    for (const key_ops of ['verify', { 0: 'verify' }, null]) {
      assertRejects(() => importJwk({ ...publicJwk, key_ops: key_ops as never }), 'ERR_KEY_INVALID');
      assertRejects(
        () => createKeySet({ keys: [{ ...publicJwk, key_ops: key_ops as never }] }),
        'ERR_JWKS_INVALID',
      );
    }
  });

  it('a JWKS mixing oct and EC keys is refused, as JWKs and as Keys', () => {
    const hs = secret('HS256', 'h1');
    const octJwk = { ...exportJwk(hs.key, { private: true }), kid: 'h1' };
    assertRejects(() => createKeySet({ keys: [publicJwk, octJwk] }), 'ERR_JWKS_INVALID');
    assertRejects(() => createKeySet({ keys: [octJwk, publicJwk] }), 'ERR_JWKS_INVALID');
    assertRejects(() => createKeySet([hs.key, es.publicKey]), 'ERR_JWKS_INVALID');
    assertRejects(() => createKeySet([pair('RS256', 'r').publicKey, hs.key]), 'ERR_JWKS_INVALID');
  });

  it('a duplicate kid is refused, whatever the key types', () => {
    const other = pair('ES384', 'k1');
    const dupes: Key[][] = [
      [es.publicKey, es.publicKey],
      [es.publicKey, other.publicKey],
      [es.publicKey, pair('EdDSA', 'k1').publicKey],
    ];
    for (const keys of dupes) assertRejects(() => createKeySet(keys), 'ERR_JWKS_INVALID');
    assertRejects(() => createKeySet({ keys: [publicJwk, exportJwk(other.publicKey)] }), 'ERR_JWKS_INVALID');
    // A skipped encryption key does not count as a duplicate of the signing key.
    assert.equal(createKeySet({ keys: [publicJwk, { ...publicJwk, use: 'enc' }] }).keys.length, 1);
  });

  describe('private members', () => {
    const privateJwks: [string, Jwk][] = [
      ['EC d', exportJwk(es.privateKey, { private: true })],
      ['RSA d, p, q, dp, dq, qi', exportJwk(pair('RS256', 'r').privateKey, { private: true })],
      ['Ed25519 d', exportJwk(pair('EdDSA', 'e').privateKey, { private: true })],
      ['oct k', { ...exportJwk(secret('HS256').key, { private: true }), kid: 'h' }],
      ['an oth member', { ...publicJwk, oth: [] }],
    ];
    for (const [label, jwk] of privateJwks) {
      it(`a remote JWKS publishing ${label} is refused as a whole`, async () => {
        const server = await listen((_req, res) => sendJson(res, { keys: [jwk] }));
        try {
          const remote = createRemoteKeySet(`${server.origin}/jwks.json`);
          await assertRejectsAsync(() => remote.reload(), 'ERR_JWKS_INVALID', {
            secrets: PRIVATE_MEMBERS.map((m) => jwk[m]).filter((v): v is string => typeof v === 'string'),
          });
          const verifier = createVerifier({
            keys: createRemoteKeySet(`${server.origin}/jwks.json`),
            ...opts,
          });
          await assertRejectsAsync(() => verifier.verify(token), 'ERR_JWKS_INVALID');
        } finally {
          await server.close();
        }
        assertRejects(() => createKeySet({ keys: [jwk] }, { publicOnly: true }), 'ERR_JWKS_INVALID');
      });
    }
  });

  it('exported public JWKs (what a JWKS endpoint serves) carry no private members', () => {
    const keys: Key[] = [
      es.privateKey,
      pair('RS256', 'r').privateKey,
      pair('PS512', 'p').privateKey,
      pair('ES512', 'x').privateKey,
      pair('EdDSA', 'e').privateKey,
    ];
    const served = JSON.parse(JSON.stringify({ keys: keys.map((k) => exportJwk(k)) })) as { keys: Jwk[] };
    for (const jwk of served.keys) {
      for (const member of PRIVATE_MEMBERS)
        assert.equal(Object.hasOwn(jwk, member), false, `${jwk.kid}: ${member}`);
      assert.equal(jwk.use, 'sig');
      assert.equal(typeof jwk.alg, 'string');
    }
    // And the served set is importable as a public-only set.
    assert.equal(createKeySet(served, { publicOnly: true }).keys.length, keys.length);
    assertRejects(() => exportJwk(secret('HS256').key), 'ERR_INVALID_OPTIONS');
  });
});
