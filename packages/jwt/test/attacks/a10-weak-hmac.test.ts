// A10: weak or empty HMAC secrets (fast-jwt CVE-2026-44351, InfluxDB
// CVE-2019-20933). RFC 7518 §3.2: the key is at least the hash size. Such keys
// can't be built, so they can neither sign nor verify.
import assert from 'node:assert/strict';
import { createSecretKey, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  createKeySet,
  createSigner,
  generateSecret,
  type HmacAlg,
  importJwk,
  importKeyObject,
  importSecret,
  signJws,
  signJwt,
  verifyJwt,
} from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import { claims, forge, NOW } from '../support/forge.js';

const MIN: Record<HmacAlg, number> = { HS256: 32, HS384: 48, HS512: 64 };

describe('A10: weak or empty HMAC secrets', () => {
  for (const alg of Object.keys(MIN) as HmacAlg[]) {
    describe(alg, () => {
      const min = MIN[alg];
      const weak: [string, string | Buffer][] = [
        ['an empty string', ''],
        ['an empty buffer', Buffer.alloc(0)],
        ['"secret"', 'secret'],
        ['"your-256-bit-secret" (the jwt.io default)', 'your-256-bit-secret'],
        [`${min - 1} random bytes`, randomBytes(min - 1)],
        [`${min - 1} ASCII characters`, 'a'.repeat(min - 1)],
        ['1 byte', Buffer.from([0x6b])],
      ];
      if (alg !== 'HS256') weak.push(['32 bytes (enough for HS256 only)', randomBytes(32)]);

      for (const [label, material] of weak) {
        it(`${label} ⇒ ERR_KEY_WEAK by every import path`, () => {
          const leak = { secrets: [material] };
          assertRejects(() => importSecret(material, { alg }), 'ERR_KEY_WEAK', leak);
          const bytes = Buffer.from(material);
          if (bytes.length > 0) {
            // node:crypto itself accepts any length: the check is ours.
            assertRejects(() => importKeyObject(createSecretKey(bytes), { alg }), 'ERR_KEY_WEAK', leak);
          }
          const jwk = { kty: 'oct', k: bytes.toString('base64url') };
          assertRejects(() => importJwk({ ...jwk, alg }), 'ERR_KEY_WEAK', leak);
          assertRejects(() => importJwk(jwk, { alg }), 'ERR_KEY_WEAK', leak);
          assertRejects(() => createKeySet({ keys: [{ ...jwk, alg, kid: 'k' }] }), 'ERR_JWKS_INVALID', leak);
        });

        it(`a token MACed with ${label} cannot be verified, since no verifying key can hold it`, () => {
          const token = forge({ header: { alg }, payload: claims(), key: material });
          const strong = generateSecret(alg);
          assertRejects(
            () => verifyJwt(token, strong, { algorithms: [alg], now: NOW }),
            'ERR_JWS_INVALID_SIGNATURE',
            {
              token,
            },
          );
        });
      }

      it(`exactly ${min} bytes is accepted, and generateSecret makes ${min} random bytes`, () => {
        const key = importSecret(randomBytes(min), { alg });
        assert.equal(key.keyObject.symmetricKeySize, min);
        const generated = [generateSecret(alg), generateSecret(alg)];
        for (const g of generated) assert.equal(g.keyObject.symmetricKeySize, min);
        assert.notDeepEqual(
          generated[0]?.keyObject.export(),
          generated[1]?.keyObject.export(),
          'generated secrets must be random',
        );
        const token = signJwt(claims(), key, { now: NOW });
        assert.equal(verifyJwt(token, key, { algorithms: [alg], now: NOW }).payload.sub, 'user-1');
      });
    });
  }

  it('signing refuses anything that is not a checked Key (so no weak secret can sign)', () => {
    for (const key of ['', 'secret', Buffer.alloc(0), createSecretKey(Buffer.alloc(1)), { alg: 'HS256' }]) {
      assertRejects(() => signJwt(claims(), key as never), 'ERR_INVALID_OPTIONS');
      assertRejects(() => signJws('{}', key as never), 'ERR_INVALID_OPTIONS');
      assertRejects(() => createSigner({ key: key as never }), 'ERR_INVALID_OPTIONS');
    }
  });

  it('the error for a weak secret does not echo it', () => {
    const material = 'correct horse battery staple';
    const err = assertRejects(() => importSecret(material, { alg: 'HS256' }), 'ERR_KEY_WEAK');
    assert.ok(!err.message.includes('horse'));
  });
});
