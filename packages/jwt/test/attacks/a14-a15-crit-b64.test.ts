// A14: crit. No extension is implemented, so any crit header is refused
// (PyJWT CVE-2026-32597, fast-jwt CVE-2026-35042, Authlib CVE-2025-59420).
// A15: b64=false (RFC 7797). The JWT path refuses it; without crit, b64 is
// ignored and the payload must still be base64url.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Alg, createVerifier, importJwk, signJws, verifyJws, verifyJwt } from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import { b64u, claims, forge, NOW, segment, signSegments } from '../support/forge.js';
import { pair, secret } from '../support/keys.js';

const RFC7797 = {
  k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow',
  control: 'eyJhbGciOiJIUzI1NiJ9.JC4wMg.5mvfOroL-g7HyqJoozehmsaqmvTYGEq5jTI1gVvoEoQ',
  detached:
    'eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19..A5dxf2s96_n5FLueVuW1Z_vh161FwXZC4YLPff6dmDY',
  attachedNonstandard:
    'eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19.$.02.A5dxf2s96_n5FLueVuW1Z_vh161FwXZC4YLPff6dmDY',
  panvaAttached:
    'eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19.This is the payload string!.ciks0B6Hs-amhOqxI5_iG6mPKnMDlWCb7J2Wu7mtIcg',
};

describe('A14: crit', () => {
  const { bytes, key } = secret('HS256');
  const es = pair('ES256');
  const cases: [string, Record<string, unknown>][] = [
    ['an unknown extension listed and present', { crit: ['exp'], exp: 1 }],
    ['an unknown private extension', { crit: ['urn:example:ext'], 'urn:example:ext': true }],
    ['crit: []', { crit: [] }],
    ['crit: ["alg"] (a registered parameter)', { crit: ['alg'] }],
    ['crit: ["kid"]', { crit: ['kid'], kid: 'k' }],
    ['crit naming an absent parameter', { crit: ['http://example.invalid/UNDEFINED'] }],
    ['crit: ["b64"] with b64: true', { crit: ['b64'], b64: true }],
    ['crit as a string', { crit: 'exp' }],
    ['crit: null', { crit: null }],
    ['crit: {}', { crit: {} }],
    ['crit with a duplicate entry', { crit: ['x', 'x'], x: 1 }],
  ];
  for (const [label, extra] of cases) {
    it(`${label} ⇒ ERR_JWS_UNSUPPORTED`, () => {
      for (const [alg, signer, verifier] of [
        ['HS256', bytes, key],
        ['ES256', es.privateKey.keyObject, es.publicKey],
      ] as const) {
        const token = forge({ header: { alg, ...extra }, payload: claims(), key: signer });
        const opts = { algorithms: [alg] as Alg[], now: NOW };
        assertRejects(() => verifyJwt(token, verifier, opts), 'ERR_JWS_UNSUPPORTED', { token });
        assertRejects(() => verifyJws(token, verifier, opts), 'ERR_JWS_UNSUPPORTED', { token });
        const cached = createVerifier({ keys: verifier, ...opts, cache: true });
        assertRejects(() => cached.verify(token), 'ERR_JWS_UNSUPPORTED', { token });
      }
    });
  }

  it('crit in an "unprotected header" has nowhere to go: a JWS JSON with one is not a compact token', () => {
    const compact = forge({ header: { alg: 'HS256' }, payload: claims(), key: bytes });
    const [protectedHeader, payload, signature] = compact.split('.');
    const json = JSON.stringify({
      protected: protectedHeader,
      header: { crit: ['exp'] },
      payload,
      signature,
    });
    assertRejects(() => verifyJwt(json, key, { algorithms: ['HS256'], now: NOW }), 'ERR_JWS_INVALID');
    assertRejects(() => verifyJws(json, key, { algorithms: ['HS256'] }), 'ERR_JWS_INVALID');
  });

  it('the library refuses to sign a crit header', () => {
    assertRejects(() => signJws('{}', key, { header: { crit: ['exp'], exp: 1 } }), 'ERR_INVALID_OPTIONS');
    assertRejects(() => signJws('{}', key, { header: { crit: [] } }), 'ERR_INVALID_OPTIONS');
  });
});

describe('A15: b64=false (RFC 7797)', () => {
  const vectorKey = importJwk({ kty: 'oct', k: RFC7797.k, alg: 'HS256' });
  const raw = Buffer.from(RFC7797.k, 'base64url');
  const opts = { algorithms: ['HS256'] as Alg[], now: NOW };

  it('control: the RFC 7797 §4.1 b64-default JWS verifies as a JWS (and is no JWT)', () => {
    assert.equal(Buffer.from(verifyJws(RFC7797.control, vectorKey, opts).payload).toString(), '$.02');
    assertRejects(() => verifyJwt(RFC7797.control, vectorKey, opts), 'ERR_JWT_INVALID');
  });

  it('the RFC 7797 §4.2 vector (detached and attached) is refused', () => {
    assertRejects(() => verifyJws(RFC7797.detached, vectorKey, opts), 'ERR_JWS_UNSUPPORTED');
    assertRejects(() => verifyJwt(RFC7797.detached, vectorKey, opts), 'ERR_JWS_UNSUPPORTED');
    // "$.02" attached holds a dot: four segments.
    assertRejects(() => verifyJwt(RFC7797.attachedNonstandard, vectorKey, opts), 'ERR_JWS_INVALID');
    assertRejects(() => verifyJwt(RFC7797.panvaAttached, vectorKey, opts), 'ERR_JWS_UNSUPPORTED');
    assertRejects(() => verifyJws(RFC7797.panvaAttached, vectorKey, opts), 'ERR_JWS_UNSUPPORTED');
  });

  it('{"alg":"HS256","b64":false,"crit":["b64"]} with raw JSON claims is refused', () => {
    const header = segment({ alg: 'HS256', b64: false, crit: ['b64'] });
    const rawClaims = JSON.stringify(claims({ sub: 'admin' }));
    const token = signSegments(header, rawClaims, { alg: 'HS256', key: raw });
    assertRejects(() => verifyJwt(token, vectorKey, opts), 'ERR_JWS_UNSUPPORTED', { token });
    assertRejects(() => verifyJws(token, vectorKey, opts), 'ERR_JWS_UNSUPPORTED', { token });
  });

  it('b64:false without crit: the payload must still be base64url', () => {
    const header = segment({ alg: 'HS256', b64: false });
    // The raw-JSON form, MACed over the raw bytes as an RFC 7797 signer would.
    const rawForm = signSegments(header, JSON.stringify(claims()), { alg: 'HS256', key: raw });
    assertRejects(() => verifyJwt(rawForm, vectorKey, opts), 'ERR_JWS_INVALID', { token: rawForm });
    assertRejects(() => verifyJws(rawForm, vectorKey, opts), 'ERR_JWS_INVALID', { token: rawForm });
    // A payload of base64url characters that RFC 7797 would take literally is decoded as base64url instead.
    const literal = signSegments(header, 'abcd', { alg: 'HS256', key: raw });
    assert.deepEqual(
      Buffer.from(verifyJws(literal, vectorKey, opts).payload),
      Buffer.from('abcd', 'base64url'),
    );
    // And the ordinary encoded form verifies: b64 without crit is ignored.
    const encoded = signSegments(header, b64u(JSON.stringify(claims())), { alg: 'HS256', key: raw });
    assert.equal(verifyJwt(encoded, vectorKey, opts).payload.sub, 'user-1');
  });

  it('the library refuses to sign a b64 header', () => {
    assertRejects(() => signJws('{}', vectorKey, { header: { b64: false } }), 'ERR_INVALID_OPTIONS');
  });
});
