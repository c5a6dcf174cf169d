// A7: psychic signatures (Java CVE-2022-21449): r or s in {0, 1, n−1, n}.
// A8: ECDSA encoding and malleability: DER instead of raw R‖S, trailing or
// leading bytes, truncation, r or s ≥ n (also r+n, which a lax "mod n" would
// accept), oversized raw signatures; and the high-S twin, which must verify.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Alg,
  createVerifier,
  importJwk,
  type Key,
  signJwt,
  verifyJws,
  verifyJwt,
} from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import { RFC7515_A3 } from '../support/fixtures.js';
import { claims, NOW, parts, rawSign, signatureBytes, withSignature } from '../support/forge.js';
import { pair } from '../support/keys.js';

const CURVES = {
  ES256: { size: 32, n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n },
  ES384: {
    size: 48,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  },
  ES512: {
    size: 66,
    n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  },
} as const;

type EsAlg = keyof typeof CURVES;

function toBytes(value: bigint, size: number): Buffer {
  const hex = value.toString(16).padStart(size * 2, '0');
  assert.ok(hex.length === size * 2, 'value does not fit');
  return Buffer.from(hex, 'hex');
}

function toBigInt(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
}

function rs(alg: EsAlg, r: bigint, s: bigint): Buffer {
  const { size } = CURVES[alg];
  return Buffer.concat([toBytes(r, size), toBytes(s, size)]);
}

function split(alg: EsAlg, sig: Uint8Array): { r: bigint; s: bigint } {
  const { size } = CURVES[alg];
  return { r: toBigInt(sig.subarray(0, size)), s: toBigInt(sig.subarray(size)) };
}

describe('A7 and A8: ECDSA signature values and encodings', () => {
  for (const alg of Object.keys(CURVES) as EsAlg[]) {
    describe(alg, () => {
      const { n, size } = CURVES[alg];
      const { privateKey, publicKey } = pair(alg);
      const opts = { algorithms: [alg] as Alg[], now: NOW };
      const token = signJwt(claims({ jti: 'token-1' }), privateKey, { now: NOW });
      const sig = signatureBytes(token);
      const { r, s } = split(alg, sig);
      const reject = (forged: string) => {
        assertRejects(() => verifyJwt(forged, publicKey, opts), 'ERR_JWS_INVALID_SIGNATURE', {
          token: forged,
        });
        assertRejects(() => verifyJws(forged, publicKey, opts), 'ERR_JWS_INVALID_SIGNATURE', {
          token: forged,
        });
      };

      it('control: the honest raw R‖S signature verifies', () => {
        assert.equal(sig.length, 2 * size);
        assert.equal(verifyJwt(token, publicKey, opts).payload.jti, 'token-1');
      });

      it(`A7: ${2 * size} zero bytes (r = s = 0) are refused`, () => {
        reject(withSignature(token, Buffer.alloc(2 * size)));
      });

      it('A7: every r, s in {0, 1, n−1, n}, alone or paired with the real other half, is refused', () => {
        const special = [0n, 1n, n - 1n, n];
        for (const a of special) {
          for (const b of special) reject(withSignature(token, rs(alg, a, b)));
          reject(withSignature(token, rs(alg, a, s)));
          reject(withSignature(token, rs(alg, r, a)));
        }
      });

      it('A8: r or s ≥ n is refused (n+1, all ones, and r+n or s+n where they fit)', () => {
        const max = (1n << BigInt(size * 8)) - 1n;
        for (const big of [n + 1n, max]) {
          reject(withSignature(token, rs(alg, big, s)));
          reject(withSignature(token, rs(alg, r, big)));
        }
        // Congruent mod n: a verifier that reduced mod n instead of range-checking would accept these.
        if (r + n <= max) reject(withSignature(token, rs(alg, r + n, s)));
        if (s + n <= max) reject(withSignature(token, rs(alg, r, s + n)));
        if (alg === 'ES512') assert.ok(r + n <= max && s + n <= max, 'P-521 always leaves room for r+n');
      });

      it('A8: a DER-encoded signature of the same token is refused', () => {
        const [h, p] = parts(token);
        const der = rawSign(alg, privateKey.keyObject, `${h}.${p}`, { dsaEncoding: 'der' });
        assert.equal(der[0], 0x30, 'a DER SEQUENCE');
        assert.notEqual(der.length, 2 * size);
        reject(withSignature(token, der));
        // Padded or cut to the raw length, DER still does not verify.
        const fitted = Buffer.alloc(2 * size);
        der.copy(fitted, 0, 0, Math.min(der.length, 2 * size));
        reject(withSignature(token, fitted));
      });

      it('A8: trailing or leading bytes, truncation, and another curve’s size are refused', () => {
        reject(withSignature(token, Buffer.concat([sig, Buffer.from([0])])));
        reject(withSignature(token, Buffer.concat([sig, Buffer.from([0, 0])])));
        reject(withSignature(token, Buffer.concat([Buffer.from([0]), sig])));
        reject(withSignature(token, sig.subarray(0, -1)));
        reject(withSignature(token, sig.subarray(1)));
        reject(withSignature(token, Buffer.concat([toBytes(r, size), Buffer.from([0]), toBytes(s, size)])));
        for (const other of Object.values(CURVES)) {
          if (other.size === size) continue;
          const resized = Buffer.alloc(2 * other.size);
          sig.copy(resized);
          reject(withSignature(token, resized));
        }
      });

      it('A8 (haproxy): an oversized raw signature is refused by length, in bounded time', () => {
        const huge = withSignature(token, Buffer.alloc(15_000, 0x41));
        assert.ok(parts(huge)[2].length >= 20_000);
        assertRejects(() => verifyJwt(huge, publicKey, opts), 'ERR_JWT_TOO_LONG', { withinMs: 1000 });
        assertRejects(
          () => verifyJwt(huge, publicKey, { ...opts, maxTokenLength: 100_000 }),
          'ERR_JWS_INVALID_SIGNATURE',
          { withinMs: 1000 },
        );
      });

      it('A8: the high-S twin (s → n−s) verifies too, so replay state must key on jti, not the signature', () => {
        const twin = withSignature(token, rs(alg, r, n - s));
        assert.notEqual(twin, token);
        assert.equal(verifyJwt(twin, publicKey, opts).payload.jti, 'token-1');
        const cached = createVerifier({ keys: publicKey, ...opts, cache: true });
        assert.equal(cached.verify(token).payload.jti, cached.verify(twin).payload.jti);
      });
    });
  }

  it('A8: the RFC 7515 A.3 vector, whose S is high, verifies', () => {
    const key: Key = importJwk(RFC7515_A3.jwk);
    const { s } = split('ES256', signatureBytes(RFC7515_A3.token));
    assert.ok(s > CURVES.ES256.n / 2n, 'the vector is high-S');
    const { payload } = verifyJwt(RFC7515_A3.token, key, { algorithms: ['ES256'], now: RFC7515_A3.now });
    assert.equal(payload.iss, 'joe');
  });
});
