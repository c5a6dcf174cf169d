import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPair, generateSecret } from '../jwk/generate.js';
import { createKeySet } from '../jwks/key-set.js';
import { createRemoteKeySet } from '../jwks/remote.js';
import { signJws } from '../jws/sign.js';
import type { Alg } from '../lib/algs.js';
import { signJwt } from './sign.js';
import type { VerifyOptions } from './types.js';
import { createVerifier, verifyJwt } from './verify.js';

const T = 1_772_366_400; // 2026-03-01T12:00:00Z
const at = (seconds: number) => new Date(seconds * 1000);
const secret = generateSecret('HS256', { kid: 'mac' });
const ed = generateKeyPair('EdDSA', { kid: 'ed' });
const code = (c: string, claim?: string) =>
  claim === undefined ? { name: 'JwtError', code: c } : { name: 'JwtError', code: c, claim };

/** A token with exactly these claims (no iat added), as JSON text, so any value can be written. */
const raw = (claims: Record<string, unknown> | string, header: Record<string, unknown> = { typ: 'JWT' }) =>
  signJws(typeof claims === 'string' ? claims : JSON.stringify(claims), secret, { header });
const base = { algorithms: ['HS256'] as Alg[], now: at(T) };
const verify = (token: string, opts: Partial<VerifyOptions> = {}) =>
  verifyJwt(token, secret, { ...base, ...opts });

test('verifyJwt returns the header and own-property claims', () => {
  const token = signJwt({ sub: 'u1', roles: ['a'] }, secret, {
    now: at(T),
    expiresIn: 60,
    issuer: 'iss',
    audience: 'api',
  });
  const { header, payload } = verify(token, { issuer: 'iss', audience: 'api', subject: 'u1' });
  assert.deepEqual({ ...header }, { alg: 'HS256', typ: 'JWT', kid: 'mac' });
  assert.deepEqual({ ...payload }, { sub: 'u1', roles: ['a'], iat: T, exp: T + 60, iss: 'iss', aud: 'api' });
  assert.ok(Object.hasOwn(payload, 'sub'));
  // Through a key set, too.
  assert.equal(verifyJwt(token, createKeySet([secret]), base).payload.sub, 'u1');
});

test('options are checked: algorithms, keys, now, maxTokenLength, claim options', () => {
  const token = raw({ exp: T + 60 });
  const bad: unknown[] = [
    { algorithms: undefined },
    { algorithms: [] },
    { algorithms: ['none'] },
    { algorithms: ['HS512'] }, // the key's alg must be allowed
    { now: new Date('nope') },
    { now: T },
    { maxTokenLength: 0 },
    { maxTokenLength: 1.5 },
    { issuer: '' },
    { issuer: [] },
    { issuer: [5] },
    { audience: '' },
    { audience: [''] },
    { subject: 5 },
    { typ: '' },
    { requiredClaims: 'sub' },
    { requiredClaims: [''] },
    { clockTolerance: 61 },
    { clockTolerance: '2m' },
    { clockTolerance: -1 },
    { clockTolerance: '1 s' },
    { maxTokenAge: '1 day' },
  ];
  for (const opts of bad) {
    assert.throws(
      () => verifyJwt(token, secret, { ...base, ...(opts as object) }),
      code('ERR_INVALID_OPTIONS'),
      JSON.stringify(opts),
    );
  }
  assert.throws(() => verifyJwt(token, secret, undefined as never), code('ERR_INVALID_OPTIONS'));
  assert.throws(() => verifyJwt(token, secret.keyObject as never, base), code('ERR_INVALID_OPTIONS'));
  assert.throws(() => createVerifier({ ...base, keys: null as never }), code('ERR_INVALID_OPTIONS'));
  assert.throws(() => createVerifier(null as never), code('ERR_INVALID_OPTIONS'));
  assert.throws(
    () => verifyJwt(token, createRemoteKeySet('https://example.com/jwks') as never, base),
    code('ERR_INVALID_OPTIONS'),
  );
});

test('issuer: exact match against one or a list', () => {
  const token = raw({ exp: T + 60, iss: 'https://a.example' });
  verify(token, { issuer: 'https://a.example' });
  verify(token, { issuer: ['https://b.example', 'https://a.example'] });
  for (const issuer of [
    'https://a.example/',
    'https://a.exampl',
    'https://A.example',
    'a.example',
    ['https://b.example'],
  ]) {
    assert.throws(() => verify(token, { issuer }), code('ERR_JWT_CLAIM_INVALID', 'iss'), String(issuer));
  }
  assert.throws(() => verify(raw({ exp: T + 60 }), { issuer: 'x' }), code('ERR_JWT_CLAIM_INVALID', 'iss'));
  assert.throws(
    () => verify(raw({ exp: T + 60, iss: ['x'] }), { issuer: 'x' }),
    code('ERR_JWT_CLAIM_INVALID', 'iss'),
  );
  // The type is checked even when no issuer is required.
  assert.throws(() => verify(raw({ exp: T + 60, iss: 5 })), code('ERR_JWT_CLAIM_INVALID', 'iss'));
});

test('audience: any token aud equal to any expected one', () => {
  const ok: [unknown, string | string[]][] = [
    ['api', 'api'],
    ['api', ['web', 'api']],
    [['web', 'api'], 'api'],
    [
      ['x', 'y'],
      ['y', 'z'],
    ],
  ];
  for (const [aud, audience] of ok) verify(raw({ exp: T + 60, aud }), { audience });
  const rejected: [unknown, string | string[]][] = [
    ['api2', 'api'],
    ['API', 'api'],
    [['web'], 'api'],
    [[], 'api'],
    ['', 'api'],
    [
      ['web', 'mobile'],
      ['api', 'admin'],
    ],
  ];
  for (const [aud, audience] of rejected) {
    assert.throws(
      () => verify(raw({ exp: T + 60, aud }), { audience }),
      code('ERR_JWT_CLAIM_INVALID', 'aud'),
      JSON.stringify(aud),
    );
  }
  assert.throws(
    () => verify(raw({ exp: T + 60 }), { audience: 'api' }),
    code('ERR_JWT_CLAIM_INVALID', 'aud'),
  );
  for (const aud of [5, ['api', 5], { api: true }, null]) {
    assert.throws(
      () => verify(raw({ exp: T + 60, aud }), { audience: 'api' }),
      code('ERR_JWT_CLAIM_INVALID', 'aud'),
      JSON.stringify(aud),
    );
    assert.throws(
      () => verify(raw({ exp: T + 60, aud })),
      code('ERR_JWT_CLAIM_INVALID', 'aud'),
      JSON.stringify(aud),
    );
  }
  // No audience required: any well-typed aud passes.
  verify(raw({ exp: T + 60, aud: ['whatever'] }));
});

test('subject: exact match, and the type is checked', () => {
  verify(raw({ exp: T + 60, sub: 'u1' }), { subject: 'u1' });
  assert.throws(
    () => verify(raw({ exp: T + 60, sub: 'u2' }), { subject: 'u1' }),
    code('ERR_JWT_CLAIM_INVALID', 'sub'),
  );
  assert.throws(() => verify(raw({ exp: T + 60 }), { subject: 'u1' }), code('ERR_JWT_CLAIM_INVALID', 'sub'));
  assert.throws(() => verify(raw({ exp: T + 60, sub: 1 })), code('ERR_JWT_CLAIM_INVALID', 'sub'));
  assert.throws(() => verify(raw({ exp: T + 60, jti: 1 })), code('ERR_JWT_CLAIM_INVALID', 'jti'));
});

test('typ: compared as a media type', () => {
  for (const typ of ['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/At+Jwt']) {
    verify(raw({ exp: T + 60 }, { typ }), { typ: 'at+jwt' });
    verify(raw({ exp: T + 60 }, { typ }), { typ: 'application/at+jwt' });
  }
  for (const header of [
    { typ: 'JWT' },
    {},
    { typ: 'at+jwt2' },
    { typ: 'application/jwt' },
    { typ: 'x/at+jwt' },
    { typ: 7 },
  ]) {
    assert.throws(
      () => verify(raw({ exp: T + 60 }, header), { typ: 'at+jwt' }),
      code('ERR_JWT_CLAIM_INVALID', 'typ'),
      JSON.stringify(header),
    );
  }
  // Without a typ rule, any typ passes.
  verify(raw({ exp: T + 60 }, { typ: 'whatever' }));
});

test('requiredClaims and requireExp', () => {
  assert.throws(() => verify(raw({ sub: 'u1' })), code('ERR_JWT_CLAIM_INVALID', 'exp'));
  assert.deepEqual({ ...verify(raw({ sub: 'u1' }), { requireExp: false }).payload }, { sub: 'u1' });
  verify(raw({ exp: T + 60, sub: 'u1', jti: 'j' }), { requiredClaims: ['sub', 'jti'] });
  assert.throws(
    () => verify(raw({ exp: T + 60, sub: 'u1' }), { requiredClaims: ['sub', 'jti'] }),
    code('ERR_JWT_CLAIM_INVALID', 'jti'),
  );
  // Presence is what counts (as in jose): null and false are present.
  verify(raw({ exp: T + 60, sid: null }), { requiredClaims: ['sid'] });
  verify(raw({ exp: T + 60, sid: false }), { requiredClaims: ['sid'] });
  // An inherited property is not a claim.
  assert.throws(
    () => verify(raw({ exp: T + 60 }), { requiredClaims: ['toString'] }),
    code('ERR_JWT_CLAIM_INVALID', 'toString'),
  );
});

test('exp: valid before it, expired at it; clockTolerance moves the edge by its amount', () => {
  const token = raw({ exp: T });
  verify(token, { now: at(T - 1) });
  verify(token, { now: new Date(T * 1000 - 1) });
  assert.throws(() => verify(token, { now: at(T) }), code('ERR_JWT_EXPIRED', 'exp'));
  verify(token, { now: at(T), clockTolerance: 1 });
  verify(token, { now: new Date((T + 1) * 1000 - 1), clockTolerance: '1s' });
  assert.throws(() => verify(token, { now: at(T + 1), clockTolerance: 1 }), code('ERR_JWT_EXPIRED'));
  verify(token, { now: at(T + 59), clockTolerance: '1m' });
  assert.throws(() => verify(token, { now: at(T + 60), clockTolerance: 60 }), code('ERR_JWT_EXPIRED'));
});

test('nbf: valid from it; clockTolerance moves the edge by its amount', () => {
  const token = raw({ exp: T + 3600, nbf: T });
  verify(token, { now: at(T) });
  assert.throws(() => verify(token, { now: new Date(T * 1000 - 1) }), code('ERR_JWT_NOT_YET_VALID', 'nbf'));
  assert.throws(() => verify(token, { now: at(T - 1) }), code('ERR_JWT_NOT_YET_VALID'));
  verify(token, { now: at(T - 1), clockTolerance: 1 });
  assert.throws(
    () => verify(token, { now: new Date((T - 1) * 1000 - 1), clockTolerance: 1 }),
    code('ERR_JWT_NOT_YET_VALID'),
  );
});

test('time claims must be finite numbers', () => {
  for (const [name, json] of [
    ['exp', '"9999999999"'],
    ['exp', '1e400'],
    ['exp', '-1e400'],
    ['exp', 'true'],
    ['exp', 'null'],
    ['exp', '[1]'],
    ['nbf', '"0"'],
    ['nbf', '1e400'],
    ['iat', '"0"'],
    ['iat', '1e400'],
  ]) {
    const claims = name === 'exp' ? `{"exp":${json}}` : `{"exp":${T + 60},"${name}":${json}}`;
    assert.throws(() => verify(raw(claims)), code('ERR_JWT_CLAIM_INVALID', name), claims);
  }
  // A negative exp is a finite number in the past.
  assert.throws(() => verify(raw({ exp: -1 })), code('ERR_JWT_EXPIRED'));
  // Fractional NumericDates are allowed.
  verify(raw({ exp: T + 0.5 }));
});

test('maxTokenAge: against iat, with the tolerance', () => {
  const token = raw({ exp: T + 3600, iat: T });
  verify(token, { now: at(T + 60), maxTokenAge: 60 });
  verify(token, { now: at(T + 60), maxTokenAge: '1m' });
  assert.throws(() => verify(token, { now: at(T + 61), maxTokenAge: 60 }), code('ERR_JWT_EXPIRED', 'iat'));
  verify(token, { now: at(T + 61), maxTokenAge: 60, clockTolerance: 1 });
  assert.throws(
    () => verify(raw({ exp: T + 3600 }), { maxTokenAge: 60 }),
    code('ERR_JWT_CLAIM_INVALID', 'iat'),
  );
  // An iat in the future is refused beyond the tolerance.
  const future = raw({ exp: T + 3600, iat: T + 5 });
  assert.throws(() => verify(future, { maxTokenAge: 60 }), code('ERR_JWT_CLAIM_INVALID', 'iat'));
  verify(future, { maxTokenAge: 60, clockTolerance: 5 });
  // Without maxTokenAge a future iat is not an error.
  verify(future);
});

test('payloads that are not claims sets are ERR_JWT_INVALID', () => {
  for (const text of [
    '',
    '[]',
    '"x"',
    '42',
    'null',
    'not json',
    '{"a":1,"a":2}',
    '{"__proto__":{"admin":true}}',
    '\ufeff{}',
  ]) {
    assert.throws(() => verify(raw(text)), code('ERR_JWT_INVALID'), JSON.stringify(text));
  }
  assert.equal(({} as Record<string, unknown>).admin, undefined);
  const [h, , s] = raw({}).split('.');
  assert.throws(
    () => verify(`${h}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.${s}`),
    code('ERR_JWT_INVALID'),
  );
});

test('maxTokenLength defaults to 8192 and is configurable', () => {
  const big = raw({ exp: T + 60, pad: 'x'.repeat(8200) });
  assert.throws(() => verify(big), code('ERR_JWT_TOO_LONG'));
  verify(big, { maxTokenLength: 16_384 });
  const edge = raw({ exp: T + 60, pad: 'x'.repeat(6000) });
  verify(edge, { maxTokenLength: edge.length });
  assert.throws(() => verify(edge, { maxTokenLength: edge.length - 1 }), code('ERR_JWT_TOO_LONG'));
});

test('createVerifier checks options once and verifies many tokens', () => {
  assert.throws(() => createVerifier({ keys: secret } as never), code('ERR_INVALID_OPTIONS'));
  const verifier = createVerifier({
    ...base,
    keys: createKeySet([ed.publicKey]),
    algorithms: ['EdDSA'],
    typ: 'JWT',
    issuer: 'iss',
  });
  for (let i = 0; i < 40; i++) {
    const token = signJwt({ n: i }, ed.privateKey, {
      now: at(T),
      expiresIn: 60,
      issuer: 'iss',
      typ: i % 2 ? 'JWT' : 'jwt',
      kid: 'ed',
    });
    assert.equal(verifier.verify(token).payload.n, i);
  }
  // Header memoization never skips the typ check.
  const wrongTyp = signJwt({}, ed.privateKey, { now: at(T), expiresIn: 60, issuer: 'iss', typ: 'at+jwt' });
  assert.throws(() => verifier.verify(wrongTyp), code('ERR_JWT_CLAIM_INVALID', 'typ'));
  assert.throws(() => verifier.verify(wrongTyp), code('ERR_JWT_CLAIM_INVALID', 'typ'));
  const { header } = verifier.verify(
    signJwt({}, ed.privateKey, { now: at(T), expiresIn: 60, issuer: 'iss' }),
  );
  assert.ok(Object.isFrozen(header));
});
