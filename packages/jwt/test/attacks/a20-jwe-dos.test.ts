// A20: JWE-class DoS and sign/encrypt confusion, with no JWE support at all:
// 5-segment tokens, enc/zip/p2c/epk headers, p2c = 2³¹, a zip:"DEF" bomb, and
// a JWE-wrapped unsigned JWT (jose CVE-2022-36083 and CVE-2024-28176, Nimbus
// CVE-2023-52428, go-jose CVE-2024-28180, json-jwt CVE-2023-51774, pac4j-jwt
// CVE-2026-29000). All are refused before any crypto.
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { type Alg, createVerifier, signJws, signJwt, verifyJws, verifyJwt } from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import { b64u, claims, forge, NOW, segment, signSegments } from '../support/forge.js';
import { pair, secret } from '../support/keys.js';

const { bytes, key } = secret('HS256');
const OPTS = { algorithms: ['HS256'] as Alg[], now: NOW };

/** A real JWE compact token (alg dir, A256GCM) around `plaintext`. */
function jweDir(plaintext: string, header: Record<string, unknown> = {}): string {
  const protectedHeader = segment({ alg: 'dir', enc: 'A256GCM', ...header });
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', randomBytes(32), iv);
  cipher.setAAD(Buffer.from(protectedHeader));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [protectedHeader, '', b64u(iv), b64u(ciphertext), b64u(cipher.getAuthTag())].join('.');
}

describe('A20: JWE-class DoS and sign/encrypt confusion', () => {
  const unsigned = forge({ header: { alg: 'none' }, payload: claims({ sub: 'admin' }) });

  it('5-segment JWE tokens ⇒ ERR_JWS_INVALID, whatever they carry', () => {
    const tokens = [
      jweDir(unsigned, { cty: 'JWT' }),
      jweDir(JSON.stringify(claims({ sub: 'admin' }))),
      jweDir(unsigned, { alg: 'HS256' }),
      [
        segment({ alg: 'RSA-OAEP', enc: 'A256GCM' }),
        b64u(randomBytes(256)),
        b64u(randomBytes(12)),
        b64u('x'),
        b64u(randomBytes(16)),
      ].join('.'),
      [
        segment({ alg: 'PBES2-HS256+A128KW', enc: 'A128GCM', p2c: 2 ** 31, p2s: b64u(randomBytes(16)) }),
        'a',
        'b',
        'c',
        'd',
      ].join('.'),
    ];
    for (const t of tokens) {
      assertRejects(() => verifyJwt(t, key, OPTS), 'ERR_JWS_INVALID', { token: t, withinMs: 1000 });
      assertRejects(() => verifyJws(t, key, OPTS), 'ERR_JWS_INVALID', { token: t, withinMs: 1000 });
      const cached = createVerifier({ keys: key, ...OPTS, cache: true });
      assertRejects(() => cached.verify(t), 'ERR_JWS_INVALID', { token: t });
    }
  });

  it('4 and 6 segments ⇒ ERR_JWS_INVALID', () => {
    const good = signJwt(claims(), key, { now: NOW });
    for (const t of [`${good}.x`, `${good}.x.y`, `a.b.c.d`, '....']) {
      assertRejects(() => verifyJwt(t, key, OPTS), 'ERR_JWS_INVALID', { token: t });
    }
  });

  const headers: [string, Record<string, unknown>][] = [
    ['enc', { enc: 'A256GCM' }],
    ['zip:"DEF"', { zip: 'DEF' }],
    ['p2c = 2³¹', { p2c: 2 ** 31 }],
    ['p2c = 2³¹ with p2s', { p2c: 2 ** 31, p2s: b64u(randomBytes(16)) }],
    ['p2s', { p2s: b64u(randomBytes(16)) }],
    ['epk', { epk: { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' } }],
    ['apu', { apu: 'QWxpY2U' }],
    ['apv', { apv: 'Qm9i' }],
    ['iv', { iv: b64u(randomBytes(12)) }],
    ['tag', { tag: b64u(randomBytes(16)) }],
    ['enc and zip', { enc: 'A128CBC-HS256', zip: 'DEF' }],
  ];
  for (const [label, extra] of headers) {
    it(`a signed 3-segment token with ${label} in the header ⇒ ERR_JWS_UNSUPPORTED before any crypto`, () => {
      const t = forge({ header: { alg: 'HS256', ...extra }, payload: claims(), key: bytes });
      assertRejects(() => verifyJwt(t, key, OPTS), 'ERR_JWS_UNSUPPORTED', { token: t, withinMs: 1000 });
      assertRejects(() => verifyJws(t, key, OPTS), 'ERR_JWS_UNSUPPORTED', { token: t, withinMs: 1000 });
      const es = pair('ES256');
      const signed = forge({
        header: { alg: 'ES256', ...extra },
        payload: claims(),
        key: es.privateKey.keyObject,
      });
      assertRejects(
        () => verifyJwt(signed, es.publicKey, { algorithms: ['ES256'], now: NOW }),
        'ERR_JWS_UNSUPPORTED',
      );
    });
  }

  it('a PBES2 alg with p2c = 2³¹ is not an algorithm at all', () => {
    const t = forge({
      header: { alg: 'PBES2-HS512+A256KW', p2c: 2 ** 31 },
      payload: claims(),
      key: bytes,
      alg: 'HS256',
    });
    assertRejects(() => verifyJwt(t, key, OPTS), 'ERR_JWS_ALG_NOT_ALLOWED', { withinMs: 1000 });
    assertRejects(
      () => createVerifier({ keys: key, algorithms: ['PBES2-HS512+A256KW' as Alg] }),
      'ERR_INVALID_OPTIONS',
    );
  });

  it('a zip:"DEF" bomb is refused without inflating it', () => {
    const bomb = deflateRawSync(Buffer.alloc(5 * 1024 * 1024, 0x20));
    const payload = b64u(bomb);
    const t = signSegments(segment({ alg: 'HS256', zip: 'DEF' }), payload, { alg: 'HS256', key: bytes });
    assert.ok(t.length <= 8192, `the bomb fits in a default-size token (${t.length})`);
    const before = process.memoryUsage().arrayBuffers;
    assertRejects(() => verifyJwt(t, key, OPTS), 'ERR_JWS_UNSUPPORTED', { withinMs: 1000 });
    assertRejects(() => verifyJws(t, key, OPTS), 'ERR_JWS_UNSUPPORTED', { withinMs: 1000 });
    const grown = process.memoryUsage().arrayBuffers - before;
    assert.ok(grown < 4 * 1024 * 1024, `no 5 MB inflation happened (grew ${grown} bytes)`);
    // Without zip, the compressed bytes are just a non-JSON payload.
    const plain = signSegments(segment({ alg: 'HS256' }), payload, { alg: 'HS256', key: bytes });
    assertRejects(() => verifyJwt(plain, key, OPTS), 'ERR_JWT_INVALID');
  });

  it('a JWS whose payload is an unsigned inner JWT (cty: JWT) is not unwrapped', () => {
    const outer = forge({ header: { alg: 'HS256', cty: 'JWT' }, payload: unsigned, key: bytes });
    assertRejects(() => verifyJwt(outer, key, OPTS), 'ERR_JWT_INVALID', { token: outer });
    // As a plain JWS it verifies, and the inner token is only bytes: nothing was trusted from it.
    assert.equal(Buffer.from(verifyJws(outer, key, OPTS).payload).toString(), unsigned);
  });

  it('the library refuses to sign enc or zip headers', () => {
    assertRejects(() => signJws('{}', key, { header: { enc: 'A256GCM' } }), 'ERR_INVALID_OPTIONS');
    assertRejects(() => signJws('{}', key, { header: { zip: 'DEF' } }), 'ERR_INVALID_OPTIONS');
  });
});
