// A19: size DoS (golang-jwt CVE-2025-30204, go-jose CVE-2025-27144). Huge
// tokens, 100k dots, 10⁵-deep arrays, a 20k-character signature, a 16384-bit
// RSA key, 10k JWKS keys. Time budgets are generous: they catch blowups
// (quadratic scans, unbounded work), not slowness.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createKeySet,
  createRemoteKeySet,
  createVerifier,
  decodeJwtUnverified,
  importJwk,
  type Key,
  signJwt,
  verifyJws,
  verifyJwt,
} from '../../src/index.js';
import { assertRejects, assertRejectsAsync } from '../support/assert.js';
import { b64u, claims, NOW, NOW_S, segment, signSegments } from '../support/forge.js';
import { pair, secret } from '../support/keys.js';
import { listen, sendJson } from '../support/server.js';

const { bytes, key } = secret('HS256');
const OPTS = { algorithms: ['HS256' as const], now: NOW };
const H = segment({ alg: 'HS256', typ: 'JWT' });
/** A cap far above the default, to show the parser itself stays linear. */
const RAISED = 16 * 1024 * 1024;
const FAST_MS = 1000;
const LINEAR_MS = 4000;

function sign(payloadText: string): string {
  return signSegments(H, b64u(payloadText), { alg: 'HS256', key: bytes });
}

describe('A19: size DoS', () => {
  describe('the token length cap comes first', () => {
    for (const [label, size] of [
      ['1 MB', 1024 * 1024],
      ['10 MB', 10 * 1024 * 1024],
    ] as const) {
      it(`a ${label} token ⇒ ERR_JWT_TOO_LONG within ${FAST_MS} ms`, () => {
        const t = `${H}.${'A'.repeat(size)}.${'A'.repeat(43)}`;
        assertRejects(() => verifyJwt(t, key, OPTS), 'ERR_JWT_TOO_LONG', { withinMs: FAST_MS });
        assertRejects(() => verifyJws(t, key, OPTS), 'ERR_JWT_TOO_LONG', { withinMs: FAST_MS });
        assertRejects(() => decodeJwtUnverified(t), 'ERR_JWT_TOO_LONG', { withinMs: FAST_MS });
        const cached = createVerifier({ keys: key, ...OPTS, cache: true });
        assertRejects(() => cached.verify(t), 'ERR_JWT_TOO_LONG', { withinMs: FAST_MS });
      });
    }

    it('exactly 8192 characters is accepted, 8193 is refused', () => {
      // Base64url lengths skip ≡ 1 (mod 4), so vary the header too until the total is exactly 8192.
      let at: string | undefined;
      for (let kid = 1; kid <= 4 && at === undefined; kid++) {
        const header = segment({ alg: 'HS256', kid: 'k'.repeat(kid) });
        for (let pad = 5900; pad < 6200 && at === undefined; pad++) {
          const payload = b64u(JSON.stringify(claims({ pad: 'x'.repeat(pad) })));
          const t = signSegments(header, payload, { alg: 'HS256', key: bytes });
          if (t.length === 8192) at = t;
          if (t.length > 8192) break;
        }
      }
      assert.ok(at !== undefined && at.length === 8192);
      assert.equal(verifyJwt(at, key, OPTS).payload.sub, 'user-1');
      assertRejects(() => verifyJwt(`${at}A`, key, OPTS), 'ERR_JWT_TOO_LONG');
      assertRejects(() => verifyJwt('A'.repeat(8193), key, OPTS), 'ERR_JWT_TOO_LONG');
    });

    it('100k dots ⇒ ERR_JWT_TOO_LONG; with a raised cap, ERR_JWS_INVALID without splitting them all', () => {
      const dots = '.'.repeat(100_000);
      assertRejects(() => verifyJwt(dots, key, OPTS), 'ERR_JWT_TOO_LONG', { withinMs: FAST_MS });
      const raised = { ...OPTS, maxTokenLength: RAISED };
      assertRejects(() => verifyJwt(dots, key, raised), 'ERR_JWS_INVALID', { withinMs: FAST_MS });
      const many = `${H}.${'e30.'.repeat(2_000_000)}sig`;
      assertRejects(() => verifyJwt(many, key, raised), 'ERR_JWS_INVALID', { withinMs: FAST_MS });
    });

    it('maxTokenLength must be a positive integer (no accidental "unlimited")', () => {
      for (const maxTokenLength of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1.5, '8192']) {
        assertRejects(
          () => createVerifier({ keys: key, ...OPTS, maxTokenLength: maxTokenLength as never }),
          'ERR_INVALID_OPTIONS',
        );
        assertRejects(
          () => verifyJws(sign('{}'), key, { ...OPTS, maxTokenLength: maxTokenLength as never }),
          'ERR_INVALID_OPTIONS',
        );
      }
    });
  });

  describe('JSON depth and size are capped', () => {
    it('10⁵-deep arrays and objects in the claims ⇒ ERR_JWT_INVALID, even with the length cap raised', () => {
      const deepArrays = `{"exp":${NOW_S + 600},"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
      const deepObjects = `{"exp":${NOW_S + 600},"a":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
      for (const text of [deepArrays, deepObjects]) {
        const t = sign(text);
        assertRejects(() => verifyJwt(t, key, OPTS), 'ERR_JWT_TOO_LONG', { withinMs: FAST_MS });
        assertRejects(() => verifyJwt(t, key, { ...OPTS, maxTokenLength: RAISED }), 'ERR_JWT_INVALID', {
          withinMs: LINEAR_MS,
        });
      }
    });

    it('10⁵-deep arrays in the header ⇒ ERR_JWS_INVALID', () => {
      const header = b64u(`{"alg":"HS256","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
      const t = signSegments(header, b64u('{}'), { alg: 'HS256', key: bytes });
      assertRejects(() => verifyJwt(t, key, { ...OPTS, maxTokenLength: RAISED }), 'ERR_JWS_INVALID', {
        withinMs: LINEAR_MS,
      });
    });

    it('nesting: 32 levels pass, 33 are refused', () => {
      const nested = (levels: number) =>
        `{"exp":${NOW_S + 600},"a":${'['.repeat(levels - 1)}1${']'.repeat(levels - 1)}}`;
      assert.equal(verifyJwt(sign(nested(32)), key, OPTS).payload.exp, NOW_S + 600);
      assertRejects(() => verifyJwt(sign(nested(33)), key, OPTS), 'ERR_JWT_INVALID');
    });

    it('pathological but valid JSON (huge member counts, escape runs) is handled in linear time', () => {
      const raised = { ...OPTS, maxTokenLength: RAISED };
      const members = Array.from({ length: 200_000 }, (_, i) => `"m${i}":${i}`).join(',');
      const wide = sign(`{"sub":"u","exp":${NOW_S + 600},${members}}`);
      assertRejects(() => verifyJwt(wide, secret('HS256').key, raised), 'ERR_JWS_INVALID_SIGNATURE', {
        withinMs: LINEAR_MS,
      });
      const escapes = sign(
        `{"sub":"u","exp":${NOW_S + 600},"s":"${'\\"'.repeat(1_000_000)}","t":"${'\\\\'.repeat(1_000_000)}"}`,
      );
      assertRejects(() => verifyJwt(escapes, secret('HS256').key, raised), 'ERR_JWS_INVALID_SIGNATURE', {
        withinMs: LINEAR_MS,
      });
      const dupes = sign(
        `{"exp":${NOW_S + 600},${Array.from({ length: 100_000 }, () => '"a":1').join(',')}}`,
      );
      assertRejects(() => verifyJwt(dupes, key, raised), 'ERR_JWT_INVALID', { withinMs: LINEAR_MS });
    });
  });

  it('a 20k-character ES256 signature ⇒ refused by length, never converted', () => {
    const es = pair('ES256');
    const good = signJwt(claims(), es.privateKey, { now: NOW });
    const t = `${good.slice(0, good.lastIndexOf('.'))}.${'A'.repeat(20_000)}`;
    const opts = { algorithms: ['ES256' as const], now: NOW };
    assertRejects(() => verifyJwt(t, es.publicKey, opts), 'ERR_JWT_TOO_LONG', { withinMs: FAST_MS });
    assertRejects(
      () => verifyJwt(t, es.publicKey, { ...opts, maxTokenLength: RAISED }),
      'ERR_JWS_INVALID_SIGNATURE',
      {
        withinMs: FAST_MS,
      },
    );
  });

  describe('key size and key count caps', () => {
    function bigRsaJwk(bits: number) {
      const n = Buffer.alloc(bits / 8, 0xc5);
      n[n.length - 1] = 0x01; // odd
      return { kty: 'RSA', n: n.toString('base64url'), e: 'AQAB', alg: 'RS256' };
    }

    it('a 16384-bit RSA key ⇒ ERR_KEY_INVALID, quickly (no modexp with it ever runs)', () => {
      assertRejects(() => importJwk(bigRsaJwk(16_384)), 'ERR_KEY_INVALID', { withinMs: FAST_MS });
      assertRejects(() => importJwk(bigRsaJwk(8200)), 'ERR_KEY_INVALID');
      assertRejects(
        () => createKeySet({ keys: [{ ...bigRsaJwk(16_384), kid: 'big' }] }),
        'ERR_JWKS_INVALID',
        {
          withinMs: FAST_MS,
        },
      );
      // 8192 bits is still allowed.
      assert.equal(importJwk(bigRsaJwk(8192)).alg, 'RS256');
    });

    it('10k keys in a JWKS ⇒ ERR_JWKS_INVALID before importing any', () => {
      const jwk = { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA', alg: 'ES256' };
      const keys = Array.from({ length: 10_000 }, (_, i) => ({ ...jwk, kid: `k${i}` }));
      assertRejects(() => createKeySet({ keys }), 'ERR_JWKS_INVALID', { withinMs: FAST_MS });
      assertRejects(() => createKeySet({ keys: keys.slice(0, 101) }), 'ERR_JWKS_INVALID', {
        withinMs: FAST_MS,
      });
      const many: Key[] = Array.from({ length: 101 }, (_, i) => secret('HS256', `k${i}`).key);
      assertRejects(() => createKeySet(many), 'ERR_JWKS_INVALID');
    });

    it('a remote JWKS with 10k keys ⇒ ERR_JWKS_INVALID', async () => {
      const keys = Array.from({ length: 10_000 }, () => ({ kty: 'oct' }));
      const server = await listen((_req, res) => sendJson(res, { keys }));
      try {
        const jwks = createRemoteKeySet(`${server.origin}/jwks.json`);
        await assertRejectsAsync(() => jwks.reload(), 'ERR_JWKS_INVALID', { withinMs: LINEAR_MS });
      } finally {
        await server.close();
      }
    });
  });
});
