// A1: alg=none and its spellings, a missing or non-string alg, and verifiers
// built without an allow-list (jsonwebtoken CVE-2022-23540).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Alg, createKeySet, createVerifier, signJwt, verifyJws, verifyJwt } from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import { claims, forge, NOW, parts, segment } from '../support/forge.js';
import { ALL_ALGS, pair, secret } from '../support/keys.js';

describe('A1: alg=none and the alg allow-list', () => {
  const hs = secret('HS256', 'k1');
  const es = pair('ES256', 'k2');
  const valid = signJwt(claims(), hs.key, { now: NOW });
  const [, , originalSignature] = parts(valid);
  const opts = { algorithms: ['HS256'] as Alg[], now: NOW };

  it('control: the honestly signed token verifies', () => {
    assert.equal(verifyJwt(valid, hs.key, opts).payload.sub, 'user-1');
  });

  for (const alg of ['none', 'None', 'NONE', 'nOnE', 'noNE']) {
    for (const [label, signature] of [
      ['an empty signature', ''],
      ['the original signature kept', originalSignature],
    ] as const) {
      it(`rejects alg "${alg}" with ${label}, whatever the verifier's keys and allow-list`, () => {
        const token = forge({ header: { alg, typ: 'JWT' }, payload: claims(), signature });
        const secrets = [hs.bytes];
        assertRejects(() => verifyJwt(token, hs.key, opts), 'ERR_JWS_ALG_NOT_ALLOWED', { token, secrets });
        assertRejects(() => verifyJws(token, hs.key, opts), 'ERR_JWS_ALG_NOT_ALLOWED', { token, secrets });
        assertRejects(
          () => verifyJwt(token, createKeySet([es.publicKey]), { algorithms: ALL_ALGS, now: NOW }),
          'ERR_JWS_ALG_NOT_ALLOWED',
          { token },
        );
        const verifier = createVerifier({ keys: hs.key, algorithms: ['HS256'], now: NOW, cache: true });
        assertRejects(() => verifier.verify(token), 'ERR_JWS_ALG_NOT_ALLOWED', { token });
      });
    }
  }

  it('rejects the RFC 7515 A.5 / RFC 7519 §6.1 unsecured JWT', () => {
    const token = `${segment('{"alg":"none"}')}.${segment(
      '{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}',
    )}.`;
    assert.equal(
      token,
      'eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.',
    );
    assertRejects(
      () => verifyJwt(token, hs.key, { ...opts, now: new Date('2011-01-01T00:00:00Z') }),
      'ERR_JWS_ALG_NOT_ALLOWED',
    );
  });

  const oddAlgs: [string, unknown][] = [
    ['missing', undefined],
    ['"hs256" (wrong case)', 'hs256'],
    ['"Hs256"', 'Hs256'],
    ['["HS256"] (an array)', ['HS256']],
    ['"HS256 " (trailing space)', 'HS256 '],
    ['"HS256\\u0000"', 'HS256\u0000'],
    ['"" (empty)', ''],
    ['null', null],
    ['a number', 256],
    ['an object', { name: 'HS256' }],
    ['true', true],
    ['"__proto__"', '__proto__'],
    ['"constructor"', 'constructor'],
    ['"toString"', 'toString'],
  ];
  for (const [label, alg] of oddAlgs) {
    it(`rejects alg ${label}, signed with the verifier's own secret`, () => {
      const header = alg === undefined ? { typ: 'JWT' } : { alg, typ: 'JWT' };
      const token = forge({ header, payload: claims(), key: hs.bytes, alg: 'HS256' });
      assertRejects(() => verifyJwt(token, hs.key, opts), 'ERR_JWS_ALG_NOT_ALLOWED', {
        token,
        secrets: [hs.bytes],
      });
      assertRejects(() => verifyJws(token, hs.key, opts), 'ERR_JWS_ALG_NOT_ALLOWED', { token });
    });
  }

  it('rejects a supported alg that is not in the allow-list', () => {
    const hs384 = secret('HS384');
    const token = signJwt(claims(), hs384.key, { now: NOW });
    assertRejects(() => verifyJwt(token, hs.key, opts), 'ERR_JWS_ALG_NOT_ALLOWED', { token });
    assertRejects(() => verifyJwt(token, hs384.key, opts), 'ERR_INVALID_OPTIONS');
  });

  describe('verifiers refuse to be built without an exact allow-list', () => {
    const badLists: [string, unknown][] = [
      ['missing', undefined],
      ['empty', []],
      ['["none"]', ['none']],
      ['["None"]', ['None']],
      ['["HS256", "none"]', ['HS256', 'none']],
      ['["hs256"]', ['hs256']],
      ['a string "HS256"', 'HS256'],
      ['[undefined]', [undefined]],
      ['a Set', new Set(['HS256'])],
    ];
    for (const [label, algorithms] of badLists) {
      it(`algorithms ${label} ⇒ ERR_INVALID_OPTIONS at construction`, () => {
        const o = { keys: hs.key, algorithms } as never;
        assertRejects(() => createVerifier(o), 'ERR_INVALID_OPTIONS');
        assertRejects(() => verifyJwt(valid, hs.key, { algorithms } as never), 'ERR_INVALID_OPTIONS');
        assertRejects(() => verifyJws(valid, hs.key, { algorithms } as never), 'ERR_INVALID_OPTIONS');
      });
    }

    it('options missing altogether ⇒ ERR_INVALID_OPTIONS', () => {
      assertRejects(() => verifyJwt(valid, hs.key, undefined as never), 'ERR_INVALID_OPTIONS');
      assertRejects(() => verifyJws(valid, hs.key, undefined as never), 'ERR_INVALID_OPTIONS');
      assertRejects(() => createVerifier(undefined as never), 'ERR_INVALID_OPTIONS');
    });
  });

  describe('CVE-2022-23540: a falsy key never means "no signature needed"', () => {
    const noneToken = forge({ header: { alg: 'none' }, payload: claims() });
    for (const falsy of [undefined, null, '', 0, false, Number.NaN]) {
      it(`keys = ${String(falsy) || '""'} ⇒ ERR_INVALID_OPTIONS, for none and for valid tokens`, () => {
        for (const token of [noneToken, valid]) {
          assertRejects(() => verifyJwt(token, falsy as never, opts), 'ERR_INVALID_OPTIONS', { token });
          assertRejects(() => verifyJws(token, falsy as never, opts), 'ERR_INVALID_OPTIONS', { token });
          assertRejects(
            () => createVerifier({ keys: falsy as never, algorithms: ['HS256'] }),
            'ERR_INVALID_OPTIONS',
          );
        }
      });
    }
  });
});
