// A2: signature stripping. The alg is kept and the signature is emptied,
// truncated, shortened to one byte or dropped (ServiceStack CVE-2020-28042,
// whose compare loop ran over the attacker's length).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { type Alg, generateKeyPair, type Key, signJwt, verifyJws, verifyJwt } from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import { claims, NOW, parts, signatureBytes, withSignature } from '../support/forge.js';
import { pair, secret } from '../support/keys.js';

/** Signature size in bytes per alg (RSA: the 2048-bit test key's modulus). */
const SIGNATURE_BYTES: Record<Alg, number> = {
  HS256: 32,
  HS384: 48,
  HS512: 64,
  RS256: 256,
  RS384: 256,
  RS512: 256,
  PS256: 256,
  PS384: 256,
  PS512: 256,
  ES256: 64,
  ES384: 96,
  ES512: 132,
  EdDSA: 64,
  Ed25519: 64,
};

function keysFor(alg: Alg): { signer: Key; verifier: Key } {
  if (alg.startsWith('HS')) {
    const { key } = secret(alg as 'HS256');
    return { signer: key, verifier: key };
  }
  const p = pair(alg as 'ES256');
  return { signer: p.privateKey, verifier: p.publicKey };
}

describe('A2: signature stripping', () => {
  for (const alg of Object.keys(SIGNATURE_BYTES) as Alg[]) {
    describe(alg, () => {
      const { signer, verifier } = keysFor(alg);
      const token = signJwt(claims(), signer, { now: NOW });
      const [h, p, s] = parts(token);
      const sig = signatureBytes(token);
      const opts = { algorithms: [alg], now: NOW };

      it(`control: verifies, and the signature is exactly ${SIGNATURE_BYTES[alg]} bytes`, () => {
        assert.equal(sig.length, SIGNATURE_BYTES[alg]);
        assert.equal(verifyJwt(token, verifier, opts).payload.sub, 'user-1');
      });

      const stripped: [string, string][] = [
        ['an empty signature', `${h}.${p}.`],
        ['the last character dropped', `${h}.${p}.${s.slice(0, -1)}`],
        ['the last byte dropped', withSignature(token, sig.subarray(0, -1))],
        ['half the signature', withSignature(token, sig.subarray(0, sig.length >> 1))],
        ['a 1-byte signature', withSignature(token, sig.subarray(0, 1))],
        ['a 1-character signature', `${h}.${p}.${s.slice(0, 1)}`],
        ['one byte appended', withSignature(token, Buffer.concat([sig, Buffer.from([0])]))],
        ['a zero byte prepended', withSignature(token, Buffer.concat([Buffer.from([0]), sig]))],
        ['the signature doubled', `${h}.${p}.${s}${s}`],
        ['all zero bytes of the right length', withSignature(token, Buffer.alloc(sig.length))],
        ['random bytes of the right length', withSignature(token, randomBytes(sig.length))],
      ];
      for (const [label, forged] of stripped) {
        it(`rejects ${label} with ERR_JWS_INVALID_SIGNATURE`, () => {
          assertRejects(() => verifyJwt(forged, verifier, opts), 'ERR_JWS_INVALID_SIGNATURE', {
            token: forged,
          });
          assertRejects(() => verifyJws(forged, verifier, opts), 'ERR_JWS_INVALID_SIGNATURE', {
            token: forged,
          });
        });
      }

      it('rejects a dropped third segment, and extra segments, with ERR_JWS_INVALID', () => {
        for (const forged of [`${h}.${p}`, `${h}.${p}.${s}.`, `${h}.${p}..${s}`, `${h}.${p}.${s}.${s}`]) {
          assertRejects(() => verifyJwt(forged, verifier, opts), 'ERR_JWS_INVALID', { token: forged });
          assertRejects(() => verifyJws(forged, verifier, opts), 'ERR_JWS_INVALID', { token: forged });
        }
      });
    });
  }

  it('HS256: every signature length but 32 bytes is refused with a JwtError, never a timingSafeEqual RangeError', () => {
    const { key } = secret('HS256');
    const token = signJwt(claims(), key, { now: NOW });
    const sig = signatureBytes(token);
    for (let length = 0; length <= 200; length++) {
      if (length === 32) continue;
      const bytes = Buffer.alloc(length);
      sig.copy(bytes, 0, 0, Math.min(length, 32));
      const forged = withSignature(token, bytes);
      assertRejects(
        () => verifyJwt(forged, key, { algorithms: ['HS256'], now: NOW }),
        'ERR_JWS_INVALID_SIGNATURE',
      );
    }
  });

  it('RSA: the signature length follows the modulus, so a 2048-bit-sized signature fails a 3072-bit key', () => {
    const big = generateKeyPair('RS256', { modulusLength: 3072 });
    const small = pair('RS256');
    const token3072 = signJwt(claims(), big.privateKey, { now: NOW });
    assert.equal(signatureBytes(token3072).length, 384);
    const token2048 = signJwt(claims(), small.privateKey, { now: NOW });
    const opts = { algorithms: ['RS256'] as Alg[], now: NOW };
    assertRejects(() => verifyJwt(token2048, big.publicKey, opts), 'ERR_JWS_INVALID_SIGNATURE');
    assertRejects(() => verifyJwt(token3072, small.publicKey, opts), 'ERR_JWS_INVALID_SIGNATURE');
    // A 384-byte signature that starts with the 256 real bytes is still refused.
    const padded = Buffer.concat([signatureBytes(token2048), Buffer.alloc(128)]);
    assertRejects(
      () => verifyJwt(withSignature(token2048, padded), big.publicKey, opts),
      'ERR_JWS_INVALID_SIGNATURE',
    );
  });
});
