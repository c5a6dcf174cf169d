// A16: duplicate JSON members (JSON.parse keeps the last one; other parsers
// keep the first: a gateway/service differential). A17: prototype pollution
// through __proto__ and constructor.prototype members (njwt CVE-2024-34273).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createVerifier,
  decodeJwtUnverified,
  type JwtErrorCode,
  signJwt,
  verifyJws,
  verifyJwt,
} from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import { forge, NOW, NOW_S } from '../support/forge.js';
import { secret } from '../support/keys.js';

const { bytes, key } = secret('HS256');
const EXP = NOW_S + 600;
const OPTS = { algorithms: ['HS256' as const], now: NOW };
const GOOD_HEADER = '{"alg":"HS256","typ":"JWT"}';
const GOOD_PAYLOAD = `{"sub":"user-1","exp":${EXP}}`;

/** MACs raw header and payload JSON text with the verifier's real key. */
function token(header: string, payload: string): string {
  return forge({ header, payload, key: bytes, alg: 'HS256' });
}

function rejectsEverywhere(t: string, code: JwtErrorCode): void {
  assertRejects(() => verifyJwt(t, key, OPTS), code, { token: t });
  const cached = createVerifier({ keys: key, ...OPTS, cache: true });
  assertRejects(() => cached.verify(t), code, { token: t });
  assertRejects(() => decodeJwtUnverified(t), code, { token: t });
}

describe('A16: duplicate JSON members', () => {
  it('control: the same texts without duplicates verify', () => {
    assert.equal(verifyJwt(token(GOOD_HEADER, GOOD_PAYLOAD), key, OPTS).payload.sub, 'user-1');
  });

  const headers: [string, string][] = [
    ['{"alg":"HS256","alg":"none"}', 'last-wins none'],
    ['{"alg":"none","alg":"HS256"}', 'first-wins none'],
    ['{"alg":"HS256","alg":"HS256"}', 'identical duplicate'],
    ['{"\\u0061lg":"none","alg":"HS256"}', 'escaped duplicate'],
    ['{"alg":"HS256","\\u0061\\u006c\\u0067":"HS256"}', 'fully escaped duplicate'],
    ['{"alg":"HS256","kid":"a","kid":"b"}', 'duplicate kid'],
    ['{"alg":"HS256","typ":"JWT","typ":"at+jwt"}', 'duplicate typ'],
    ['{"alg":"HS256" , "alg" :"HS256"}', 'duplicate with whitespace'],
    ['{"alg":"HS256","x":{"a":1,"a":2}}', 'nested duplicate'],
    ['{"alg":"HS256","x":[{"a":1,"a":2}]}', 'duplicate inside an array'],
  ];
  for (const [header, label] of headers) {
    it(`header ${label}: ${header} ⇒ ERR_JWS_INVALID`, () => {
      const t = token(header, GOOD_PAYLOAD);
      rejectsEverywhere(t, 'ERR_JWS_INVALID');
      assertRejects(() => verifyJws(t, key, OPTS), 'ERR_JWS_INVALID', { token: t });
    });
  }

  const payloads: [string, string][] = [
    [`{"sub":"user-1","sub":"admin","exp":${EXP}}`, 'duplicate sub'],
    [`{"sub":"user-1","aud":"web","aud":"api","exp":${EXP}}`, 'duplicate aud'],
    [`{"sub":"user-1","exp":${EXP},"exp":${EXP + 10 ** 9}}`, 'duplicate exp'],
    [`{"sub":"user-1","exp":1,"exp":${EXP}}`, 'expired first, valid last'],
    [`{"sub":"user-1","\\u0073ub":"admin","exp":${EXP}}`, 'escaped duplicate sub'],
    [`{"sub":"user-1","exp":${EXP},"roles":{"admin":false,"admin":true}}`, 'nested duplicate'],
    [`{"sub":"user-1","exp":${EXP},"list":[{"a":1},{"b":1,"b":2}]}`, 'duplicate inside an array'],
    [`{"sub":"user-1","exp":${EXP},"":1,"":2}`, 'duplicate empty name'],
  ];
  for (const [payload, label] of payloads) {
    it(`payload ${label} ⇒ ERR_JWT_INVALID`, () =>
      rejectsEverywhere(token(GOOD_HEADER, payload), 'ERR_JWT_INVALID'));
  }

  it('strings that merely look like members (escaped quotes, colons) are not duplicates', () => {
    const tricky = `{"sub":"user-1","exp":${EXP},"note":"\\"sub\\":\\"admin\\"","a\\\\":"x","b":"\\\\\\":"}`;
    const { payload } = verifyJwt(token(GOOD_HEADER, tricky), key, OPTS);
    assert.equal(payload.sub, 'user-1');
    assert.equal(payload.note, '"sub":"admin"');
  });
});

describe('A17: prototype pollution', () => {
  it('claims {"__proto__":{"admin":true,"aud":"api"}} are refused, and nothing is polluted', () => {
    for (const payload of [
      `{"sub":"user-1","exp":${EXP},"__proto__":{"admin":true,"aud":"api"}}`,
      `{"sub":"user-1","exp":${EXP},"\\u005f\\u005fproto\\u005f\\u005f":{"admin":true}}`,
      `{"sub":"user-1","exp":${EXP},"nested":{"__proto__":{"admin":true}}}`,
      `{"sub":"user-1","exp":${EXP},"list":[{"__proto__":{"admin":true}}]}`,
      `{"sub":"user-1","exp":${EXP},"__proto__":null}`,
    ]) {
      const t = token(GOOD_HEADER, payload);
      rejectsEverywhere(t, 'ERR_JWT_INVALID');
      assertRejects(() => verifyJwt(t, key, { ...OPTS, audience: 'api' }), 'ERR_JWT_INVALID');
    }
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    assert.equal(({} as Record<string, unknown>).aud, undefined);
  });

  it('a header {"__proto__":{"alg":"none"}} is refused', () => {
    for (const header of [
      '{"alg":"HS256","__proto__":{"alg":"none"}}',
      '{"__proto__":{"alg":"HS256"}}',
      '{"alg":"HS256","__proto__":{"typ":"at+jwt","kid":"admin"}}',
    ]) {
      const t = token(header, GOOD_PAYLOAD);
      rejectsEverywhere(t, 'ERR_JWS_INVALID');
    }
    assert.equal(({} as Record<string, unknown>).alg, undefined);
  });

  it('{"constructor":{"prototype":{…}}} stays an inert own property', () => {
    const payload = `{"sub":"user-1","exp":${EXP},"constructor":{"prototype":{"admin":true}},"toString":"x","hasOwnProperty":1}`;
    const verified = verifyJwt(token(GOOD_HEADER, payload), key, OPTS).payload;
    assert.equal(verified.admin, undefined);
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    assert.equal(
      Object.getPrototypeOf(verified) === Object.prototype || Object.getPrototypeOf(verified) === null,
      true,
    );
    assert.equal(Object.hasOwn(verified, 'constructor'), true);
    // Claim checks read own properties: "hasOwnProperty": 1 breaks nothing.
    assert.equal(
      verifyJwt(token(GOOD_HEADER, payload), key, { ...OPTS, requiredClaims: ['sub'] }).payload.sub,
      'user-1',
    );
  });

  it('an inherited claim never satisfies a check: aud/iss/required claims must be own properties', () => {
    const polluted = Object.prototype as Record<string, unknown>;
    try {
      polluted.aud = 'api';
      polluted.iss = 'https://auth.example.com';
      polluted.jti = 'j';
      const t = token(GOOD_HEADER, GOOD_PAYLOAD);
      assertRejects(() => verifyJwt(t, key, { ...OPTS, audience: 'api' }), 'ERR_JWT_CLAIM_INVALID', {
        claim: 'aud',
      });
      assertRejects(
        () => verifyJwt(t, key, { ...OPTS, issuer: 'https://auth.example.com' }),
        'ERR_JWT_CLAIM_INVALID',
        {
          claim: 'iss',
        },
      );
      assertRejects(() => verifyJwt(t, key, { ...OPTS, requiredClaims: ['jti'] }), 'ERR_JWT_CLAIM_INVALID', {
        claim: 'jti',
      });
    } finally {
      delete polluted.aud;
      delete polluted.iss;
      delete polluted.jti;
    }
  });

  it('the library refuses to sign own __proto__ claims', () => {
    const evil = JSON.parse('{"sub":"u","__proto__":{"admin":true}}') as Record<string, unknown>;
    assertRejects(() => signJwt(evil, key, { expiresIn: 60, now: NOW }), 'ERR_INVALID_OPTIONS');
  });
});
