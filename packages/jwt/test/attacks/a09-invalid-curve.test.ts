// A9: invalid-curve and malformed keys. A JWK point off the curve, P-256
// coordinates under crv P-384, kty mismatches, wrong-length coordinates, and
// an ECDH epk in a token header (Sanso 2017; Wycheproof json_web_key_test).
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  type Alg,
  createKeySet,
  exportJwk,
  importJwk,
  importKeyObject,
  type Jwk,
  verifyJwt,
} from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import { b64u, claims, forge, NOW } from '../support/forge.js';
import { pair } from '../support/keys.js';

const SIZES = { ES256: 32, ES384: 48, ES512: 66 } as const;

function withoutY(jwk: Jwk): Jwk {
  const { y: _y, ...rest } = jwk;
  return rest as Jwk;
}

function offCurve(jwk: Jwk): Jwk {
  const y = Buffer.from(jwk.y as string, 'base64url');
  y[y.length - 1] = (y[y.length - 1] as number) ^ 1;
  return { ...jwk, y: b64u(y) };
}

describe('A9: invalid curve points and malformed keys are refused at import', () => {
  for (const alg of Object.keys(SIZES) as (keyof typeof SIZES)[]) {
    describe(alg, () => {
      const size = SIZES[alg];
      const jwk = exportJwk(pair(alg).publicKey);
      const x = Buffer.from(jwk.x as string, 'base64url');
      const y = Buffer.from(jwk.y as string, 'base64url');

      it('control: the honest JWK imports', () => {
        assert.equal(importJwk(jwk).alg, alg);
        assert.equal(x.length, size);
      });

      const malformed: [string, Jwk][] = [
        ['a point off the curve (y + 1 bit)', offCurve(jwk)],
        ['the point (0, 0)', { ...jwk, x: b64u(Buffer.alloc(size)), y: b64u(Buffer.alloc(size)) }],
        ['x = p (field prime overflow)', { ...jwk, x: b64u(Buffer.alloc(size, 0xff)) }],
        ['x with a leading zero byte (too long)', { ...jwk, x: b64u(Buffer.concat([Buffer.from([0]), x])) }],
        ['y with a leading zero byte (too long)', { ...jwk, y: b64u(Buffer.concat([Buffer.from([0]), y])) }],
        ['x one byte short', { ...jwk, x: b64u(x.subarray(1)) }],
        ['y one byte short', { ...jwk, y: b64u(y.subarray(1)) }],
        ['y missing (compressed-point trick)', withoutY(jwk)],
        ['x with = padding', { ...jwk, x: `${jwk.x}=` }],
        ['x with a + (standard alphabet)', { ...jwk, x: `+${(jwk.x as string).slice(1)}` }],
        ['x as a number', { ...jwk, x: 5 as never }],
        ['kty "RSA"', { ...jwk, kty: 'RSA' }],
        ['kty "OKP"', { ...jwk, kty: 'OKP' }],
        ['kty "oct"', { ...jwk, kty: 'oct' }],
        ['kty missing', { ...jwk, kty: undefined as never }],
      ];
      for (const [label, bad] of malformed) {
        it(`${label} ⇒ ERR_KEY_INVALID (and ERR_JWKS_INVALID in a set)`, () => {
          assertRejects(() => importJwk(bad, { alg }), 'ERR_KEY_INVALID', { secrets: [JSON.stringify(bad)] });
          if (bad.kty === 'EC') assertRejects(() => createKeySet({ keys: [bad] }), 'ERR_JWKS_INVALID');
        });
      }

      it('the same coordinates under another crv are refused', () => {
        const { alg: _bound, ...bare } = jwk;
        for (const other of Object.keys(SIZES) as (keyof typeof SIZES)[]) {
          if (other === alg) continue;
          const crv = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[other];
          assertRejects(() => importJwk({ ...bare, crv }), 'ERR_KEY_INVALID');
          assertRejects(() => importJwk({ ...bare, crv }, { alg: other }), 'ERR_KEY_INVALID');
          assertRejects(() => importJwk({ ...bare, crv, alg: other }), 'ERR_KEY_INVALID');
          assertRejects(() => importJwk({ ...bare, crv }, { alg }), 'ERR_KEY_INVALID');
          assertRejects(() => createKeySet({ keys: [{ ...bare, crv }] }), 'ERR_JWKS_INVALID');
        }
      });
    });
  }

  it('P-256 coordinates under crv "P-384" (the Sanso construction)', () => {
    const jwk = exportJwk(pair('ES256').publicKey);
    assertRejects(() => importJwk({ ...jwk, crv: 'P-384', alg: 'ES256' }), 'ERR_KEY_INVALID');
    assertRejects(() => importJwk({ ...jwk, crv: 'P-384', alg: 'ES384' }), 'ERR_KEY_INVALID');
  });

  it('Ed25519: wrong-length x, kty EC, and other OKP curves are refused', () => {
    const jwk = exportJwk(pair('EdDSA').publicKey);
    const x = Buffer.from(jwk.x as string, 'base64url');
    for (const bad of [
      { ...jwk, x: b64u(x.subarray(1)) },
      { ...jwk, x: b64u(Buffer.concat([x, Buffer.from([0])])) },
      { ...jwk, kty: 'EC' },
      { ...jwk, crv: 'X25519' },
      { ...jwk, crv: 'Ed448' },
    ]) {
      assertRejects(() => importJwk(bad, { alg: 'EdDSA' }), 'ERR_KEY_INVALID');
    }
    for (const curve of ['x25519', 'ed448', 'x448'] as const) {
      const other = generateKeyPairSync(curve as 'x25519').publicKey;
      assertRejects(
        () => importJwk(other.export({ format: 'jwk' }) as Jwk, { alg: 'EdDSA' }),
        'ERR_KEY_INVALID',
      );
      assertRejects(() => importKeyObject(other, { alg: 'EdDSA' }), 'ERR_KEY_INVALID');
    }
  });

  it('RSA members under kty EC, and EC members under kty RSA, are refused', () => {
    const rsa = exportJwk(pair('RS256').publicKey);
    const ec = exportJwk(pair('ES256').publicKey);
    assertRejects(() => importJwk({ kty: 'EC', n: rsa.n, e: rsa.e, alg: 'RS256' } as Jwk), 'ERR_KEY_INVALID');
    assertRejects(() => importJwk({ kty: 'EC', n: rsa.n, e: rsa.e, crv: 'P-256' } as Jwk), 'ERR_KEY_INVALID');
    assertRejects(
      () => importJwk({ kty: 'RSA', crv: 'P-256', x: ec.x, y: ec.y, alg: 'ES256' } as Jwk),
      'ERR_KEY_INVALID',
    );
    assertRejects(
      () => importJwk({ kty: 'RSA', crv: 'P-256', x: ec.x, y: ec.y, alg: 'RS256' } as Jwk),
      'ERR_KEY_INVALID',
    );
  });

  it('KeyObjects on the wrong or an unsupported curve are refused', () => {
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey;
    const p384 = pair('ES384').publicKey.keyObject;
    for (const alg of ['ES256', 'ES384', 'ES512'] as Alg[]) {
      assertRejects(() => importKeyObject(k1, { alg }), 'ERR_KEY_INVALID');
      if (alg !== 'ES384') assertRejects(() => importKeyObject(p384, { alg }), 'ERR_KEY_INVALID');
    }
    assertRejects(() => importJwk(k1.export({ format: 'jwk' }) as Jwk, { alg: 'ES256' }), 'ERR_KEY_INVALID');
  });

  it('an ECDH epk in a token header (even off the curve) is refused before any key use', () => {
    const { privateKey, publicKey } = pair('ES256');
    const epk = offCurve(exportJwk(publicKey));
    for (const header of [
      { alg: 'ES256', epk },
      { alg: 'ES256', epk: exportJwk(publicKey) },
      { alg: 'ES256', epk, enc: 'A256GCM' },
    ]) {
      const token = forge({ header, payload: claims(), key: privateKey.keyObject });
      assertRejects(
        () => verifyJwt(token, publicKey, { algorithms: ['ES256'], now: NOW }),
        'ERR_JWS_UNSUPPORTED',
        {
          token,
        },
      );
    }
  });
});
