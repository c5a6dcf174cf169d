// A18: non-canonical base64url and malformed segments (jsrsasign
// CVE-2022-25898). Every forged segment here is MACed with the verifier's real
// key, and Node's lenient decoder reads most of them as the original bytes, so
// only the format checks (which run before any crypto) stand in the way.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createVerifier,
  decodeJwtUnverified,
  importJwk,
  type JwtErrorCode,
  verifyJws,
  verifyJwt,
} from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import { RFC7515_A1 } from '../support/fixtures.js';
import { b64u, NOW, NOW_S, segment, signSegments } from '../support/forge.js';
import { secret } from '../support/keys.js';

const { bytes, key } = secret('HS256');
const OPTS = { algorithms: ['HS256' as const], now: NOW };
// Texts chosen so their encodings end mid-quantum (length ≡ 2 or 3 mod 4) and contain - and _.
const HEADER = '{"alg":"HS256","x":"~~~???>>>"}';
const PAYLOAD = `{"sub":"user-1","exp":${NOW_S + 600},"x":"~~?>"}`;

function sign(h: string, p: string): string {
  return signSegments(h, p, { alg: 'HS256', key: bytes });
}

const VALUE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Flips on the lowest unused bit of the last character: same bytes for Node, not canonical. */
function dirtyTrailingBits(seg: string): string {
  const rest = seg.length % 4;
  assert.ok(rest === 2 || rest === 3, 'needs a partial last quantum');
  const last = VALUE.indexOf(seg.at(-1) as string);
  return seg.slice(0, -1) + VALUE[last + 1];
}

function padded(seg: string): string {
  return seg + '='.repeat((4 - (seg.length % 4)) % 4);
}

function standardAlphabet(seg: string): string {
  assert.ok(/[-_]/.test(seg), 'needs a - or _ to translate');
  return seg.replace(/-/g, '+').replace(/_/g, '/');
}

function insertAt(seg: string, text: string): string {
  const mid = seg.length >> 1;
  return seg.slice(0, mid) + text + seg.slice(mid);
}

/** Encoding mutations; `same` says Node's lenient decoder still yields the original bytes. */
const MUTATIONS: [string, (seg: string) => string, boolean][] = [
  ['= padding', padded, true],
  ['+ and / (standard alphabet)', standardAlphabet, true],
  ['a space inside', (s) => insertAt(s, ' '), true],
  ['a ? inside', (s) => insertAt(s, '?'), true],
  ['a leading space', (s) => ` ${s}`, true],
  ['a trailing newline', (s) => `${s}\n`, true],
  ['a tab inside', (s) => insertAt(s, '\t'), true],
  ['non-zero unused bits in the last character', dirtyTrailingBits, true],
  ['length ≡ 1 (mod 4)', (s) => s + 'A'.repeat((5 - (s.length % 4)) % 4 || 4), false],
  ['a non-ASCII letter (é)', (s) => insertAt(s, 'é'), false],
  ['a Cyrillic а lookalike', (s) => insertAt(s, '\u0430'), false],
  ['a full-width Ａ', (s) => insertAt(s, '\uff21'), false],
  ['a NUL character', (s) => insertAt(s, '\u0000'), false],
  ['a % escape', (s) => insertAt(s, '%41'), false],
];

/** A valid token whose signature segment holds a - or _ (a random MAC lacks one about 1 time in 4). */
function signedWithDashInSignature(): string {
  for (let nonce = 0; ; nonce++) {
    const t = sign(segment(HEADER), segment(`{"sub":"user-1","exp":${NOW_S + 600},"n":${nonce}}`));
    if (/[-_]/.test(t.slice(t.lastIndexOf('.') + 1))) return t;
  }
}

describe('A18: non-canonical base64url and malformed segments', () => {
  const h = segment(HEADER);
  const p = segment(PAYLOAD);

  it('control: the canonical token verifies, and the test texts end mid-quantum with - and _', () => {
    assert.equal(verifyJwt(sign(h, p), key, OPTS).payload.sub, 'user-1');
    assert.ok(h.length % 4 !== 0 && p.length % 4 !== 0);
    assert.ok(/[-_]/.test(h) && /[-_]/.test(p));
  });

  for (const [label, mutate, same] of MUTATIONS) {
    it(`header with ${label} ⇒ ERR_JWS_INVALID`, () => {
      const bad = mutate(h);
      if (same) assert.deepEqual(Buffer.from(bad, 'base64url'), Buffer.from(HEADER), 'Node would decode it');
      const t = sign(bad, p);
      assertRejects(() => verifyJwt(t, key, OPTS), 'ERR_JWS_INVALID', { token: t });
      assertRejects(() => verifyJws(t, key, OPTS), 'ERR_JWS_INVALID', { token: t });
      assertRejects(() => decodeJwtUnverified(t), 'ERR_JWS_INVALID', { token: t });
    });

    it(`payload with ${label} ⇒ ERR_JWS_INVALID`, () => {
      const bad = mutate(p);
      if (same) assert.deepEqual(Buffer.from(bad, 'base64url'), Buffer.from(PAYLOAD), 'Node would decode it');
      const t = sign(h, bad);
      assertRejects(() => verifyJwt(t, key, OPTS), 'ERR_JWS_INVALID', { token: t });
      assertRejects(() => verifyJws(t, key, OPTS), 'ERR_JWS_INVALID', { token: t });
      const cached = createVerifier({ keys: key, ...OPTS, cache: true });
      assertRejects(() => cached.verify(t), 'ERR_JWS_INVALID', { token: t });
    });

    it(`signature with ${label} ⇒ ERR_JWS_INVALID_SIGNATURE`, () => {
      const good = signedWithDashInSignature();
      const s = good.slice(good.lastIndexOf('.') + 1);
      const bad = mutate(s);
      if (same) {
        assert.deepEqual(Buffer.from(bad, 'base64url'), Buffer.from(s, 'base64url'), 'Node would decode it');
      }
      const t = `${good.slice(0, good.lastIndexOf('.'))}.${bad}`;
      assertRejects(() => verifyJwt(t, key, OPTS), 'ERR_JWS_INVALID_SIGNATURE', { token: t });
      assertRejects(() => verifyJws(t, key, OPTS), 'ERR_JWS_INVALID_SIGNATURE', { token: t });
    });
  }

  it('RFC 7515 A.1: the signature …Xk verifies, …Xl (same bytes, dirty bits) does not', () => {
    const a1 = importJwk({ kty: 'oct', k: RFC7515_A1.k, alg: 'HS256' });
    const opts = { algorithms: ['HS256' as const], now: RFC7515_A1.now };
    assert.ok(RFC7515_A1.token.endsWith('Xk'));
    assert.equal(verifyJwt(RFC7515_A1.token, a1, opts).payload.iss, 'joe');
    const dirty = `${RFC7515_A1.token.slice(0, -1)}l`;
    assert.deepEqual(
      Buffer.from(dirty.split('.')[2] as string, 'base64url'),
      Buffer.from(RFC7515_A1.token.split('.')[2] as string, 'base64url'),
    );
    assertRejects(() => verifyJwt(dirty, a1, opts), 'ERR_JWS_INVALID_SIGNATURE', { token: dirty });
    assertRejects(() => verifyJws(dirty, a1, opts), 'ERR_JWS_INVALID_SIGNATURE', { token: dirty });
  });

  it('a dot inside a segment makes four segments ⇒ ERR_JWS_INVALID', () => {
    for (const t of [sign(insertAt(h, '.'), p), sign(h, insertAt(p, '.'))]) {
      assertRejects(() => verifyJwt(t, key, OPTS), 'ERR_JWS_INVALID', { token: t });
    }
  });

  it('raw JSON (braces) in place of a segment ⇒ ERR_JWS_INVALID', () => {
    for (const t of [sign(HEADER, p), sign(h, PAYLOAD), sign('{"alg":"HS256"}', '{"sub":"admin"}')]) {
      assertRejects(() => verifyJwt(t, key, OPTS), 'ERR_JWS_INVALID', { token: t });
    }
  });

  it('whitespace around the whole token is not trimmed', () => {
    const good = sign(h, p);
    for (const [t, code] of [
      [` ${good}`, 'ERR_JWS_INVALID'],
      [`\n${good}`, 'ERR_JWS_INVALID'],
      [`${good} `, 'ERR_JWS_INVALID_SIGNATURE'],
      [`${good}\r\n`, 'ERR_JWS_INVALID_SIGNATURE'],
      [`Bearer ${good}`, 'ERR_JWS_INVALID'],
    ] as [string, JwtErrorCode][]) {
      assertRejects(() => verifyJwt(t, key, OPTS), code, { token: t });
    }
  });

  describe('header and claims that are not a JSON object', () => {
    const notObjects = [
      '[]',
      '[{"alg":"HS256"}]',
      '"HS256"',
      '1',
      'null',
      'true',
      '',
      ' ',
      '{',
      '{"alg":"HS256"}x',
      '{"alg":"HS256"}\u0000',
      "{'alg':'HS256'}",
      '{alg:"HS256"}',
    ];
    for (const text of notObjects) {
      it(`header ${JSON.stringify(text)} ⇒ ERR_JWS_INVALID`, () => {
        const t = sign(b64u(text), p);
        assertRejects(() => verifyJwt(t, key, OPTS), 'ERR_JWS_INVALID', { token: t });
      });
      it(`claims ${JSON.stringify(text)} ⇒ ERR_JWT_INVALID`, () => {
        const t = sign(h, b64u(text));
        assertRejects(() => verifyJwt(t, key, OPTS), 'ERR_JWT_INVALID', { token: t });
        if (text !== '') assertRejects(() => decodeJwtUnverified(t), 'ERR_JWT_INVALID', { token: t });
      });
    }

    it('an empty header segment ⇒ ERR_JWS_INVALID; an empty JWS payload is a JWS but no JWT', () => {
      assertRejects(() => verifyJwt(`.${p}.${sign(h, p).split('.')[2]}`, key, OPTS), 'ERR_JWS_INVALID');
      const empty = sign(h, '');
      assert.equal(verifyJws(empty, key, OPTS).payload.length, 0);
      assertRejects(() => verifyJwt(empty, key, OPTS), 'ERR_JWT_INVALID', { token: empty });
    });
  });

  describe('encodings other than strict UTF-8', () => {
    const utf16 = (text: string, bom: number[], be: boolean) => {
      const le = Buffer.from(text, 'utf16le');
      return Buffer.concat([Buffer.from(bom), be ? le.swap16() : le]);
    };
    const variants: [string, (text: string) => Buffer][] = [
      ['UTF-8 with a BOM', (t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t)])],
      ['UTF-16LE with a BOM', (t) => utf16(t, [0xff, 0xfe], false)],
      ['UTF-16BE with a BOM', (t) => utf16(t, [0xfe, 0xff], true)],
      ['UTF-16LE without a BOM', (t) => Buffer.from(t, 'utf16le')],
      ['a lone continuation byte 0x80 in a string', (t) => splice(t, [0x80])],
      ['a truncated sequence C3 28', (t) => splice(t, [0xc3, 0x28])],
      ['an overlong "/" (C0 AF)', (t) => splice(t, [0xc0, 0xaf])],
      ['an encoded surrogate (ED A0 80)', (t) => splice(t, [0xed, 0xa0, 0x80])],
      ['a byte 0xFF', (t) => splice(t, [0xff])],
      ['Latin-1 é (0xE9)', (t) => splice(t, [0xe9])],
    ];
    /** Puts raw bytes inside the first string value of the JSON text. */
    function splice(text: string, raw: number[]): Buffer {
      const at = text.indexOf('"', text.indexOf(':')) + 1;
      return Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(raw), Buffer.from(text.slice(at))]);
    }
    for (const [label, encode] of variants) {
      it(`header in ${label} ⇒ ERR_JWS_INVALID`, () => {
        const t = sign(b64u(encode(HEADER)), p);
        assertRejects(() => verifyJwt(t, key, OPTS), 'ERR_JWS_INVALID', { token: t });
      });
      it(`claims in ${label} ⇒ ERR_JWT_INVALID`, () => {
        const t = sign(h, b64u(encode(PAYLOAD)));
        assertRejects(() => verifyJwt(t, key, OPTS), 'ERR_JWT_INVALID', { token: t });
      });
    }

    it('control: well-formed non-ASCII UTF-8 (and a literal U+FFFD) is accepted', () => {
      const text = `{"sub":"usér-\u{1f600}-\ufffd","exp":${NOW_S + 600}}`;
      assert.equal(verifyJwt(sign(h, b64u(text)), key, OPTS).payload.sub, 'usér-\u{1f600}-\ufffd');
    });
  });

  it('a non-string token ⇒ ERR_JWS_INVALID, never a TypeError', () => {
    const good = sign(h, p);
    for (const t of [
      undefined,
      null,
      42,
      {},
      [good],
      Buffer.from(good),
      { toString: () => good },
      new String(good),
    ]) {
      assertRejects(() => verifyJwt(t as never, key, OPTS), 'ERR_JWS_INVALID');
      assertRejects(() => verifyJws(t as never, key, OPTS), 'ERR_JWS_INVALID');
      const cached = createVerifier({ keys: key, ...OPTS, cache: true });
      assertRejects(() => cached.verify(t as never), 'ERR_JWS_INVALID');
    }
  });
});
