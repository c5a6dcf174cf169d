import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPair, generateSecret } from '../jwk/generate.js';
import { verifyJws } from '../jws/verify.js';
import { createSigner, signJwt } from './sign.js';
import type { JwtClaims } from './types.js';

const NOW = new Date('2026-03-01T12:00:00.900Z');
const IAT = 1_772_366_400; // NOW in whole seconds, rounded down
const secret = generateSecret('HS256', { kid: 'mac' });
const ed = generateKeyPair('EdDSA', { kid: 'ed' });
const invalid = { name: 'JwtError', code: 'ERR_INVALID_OPTIONS' };

/** Header and claims of a token, checked to verify with `secret`. */
function read(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const { header, payload } = verifyJws(token, secret, { algorithms: ['HS256'] });
  return { header: { ...header }, claims: JSON.parse(Buffer.from(payload).toString()) };
}

test('signJwt writes alg, typ JWT and the key kid; iat from now, rounded down', () => {
  const { header, claims } = read(signJwt({ sub: 'u1' }, secret, { now: NOW }));
  assert.deepEqual(header, { alg: 'HS256', typ: 'JWT', kid: 'mac' });
  assert.deepEqual(claims, { sub: 'u1', iat: IAT });
});

test('signJwt takes typ, kid and a matching alg; another alg is refused', () => {
  const { header } = read(signJwt({}, secret, { now: NOW, typ: 'at+jwt', kid: 'k2', alg: 'HS256' }));
  assert.deepEqual(header, { alg: 'HS256', typ: 'at+jwt', kid: 'k2' });
  assert.throws(() => signJwt({}, secret, { alg: 'HS512' }), { code: 'ERR_KEY_ALG_MISMATCH' });
  assert.throws(() => signJwt({}, ed.publicKey), { code: 'ERR_KEY_INVALID' });
  assert.throws(() => signJwt({}, ed.privateKey.keyObject as never), invalid);
});

test('signJwt uses the clock when now is not given', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: NOW.getTime() });
  assert.equal(read(signJwt({}, secret)).claims.iat, IAT);
});

test('expiresIn and notBefore: seconds or 30s 15m 12h 7d, relative to iat', () => {
  for (const [value, seconds] of [
    [90, 90],
    ['30s', 30],
    ['15m', 900],
    ['12h', 43_200],
    ['7d', 604_800],
  ] as const) {
    const { claims } = read(signJwt({}, secret, { now: NOW, expiresIn: value, notBefore: value }));
    assert.equal(claims.exp, IAT + seconds, String(value));
    assert.equal(claims.nbf, IAT + seconds, String(value));
  }
  // Relative to the claims' own iat when they carry one.
  assert.deepEqual(read(signJwt({ iat: 1000 }, secret, { now: NOW, expiresIn: '1m' })).claims, {
    iat: 1000,
    exp: 1060,
  });
});

test('bad durations throw ERR_INVALID_OPTIONS at sign time and at signer creation', () => {
  for (const value of ['1 day', '10', '1.5h', '2w', '', '-1s', -5, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => signJwt({}, secret, { expiresIn: value }), invalid, String(value));
    assert.throws(() => signJwt({}, secret, { notBefore: value }), invalid, String(value));
    assert.throws(() => createSigner({ key: secret, expiresIn: value }), invalid, String(value));
  }
});

test('issuer, subject, audience and jwtId options set the claims', () => {
  const { claims } = read(
    signJwt({ role: 'admin' }, secret, {
      now: NOW,
      issuer: 'https://iss',
      subject: 'u1',
      audience: 'api',
      jwtId: 'id-1',
    }),
  );
  assert.deepEqual(claims, {
    role: 'admin',
    iat: IAT,
    iss: 'https://iss',
    sub: 'u1',
    aud: 'api',
    jti: 'id-1',
  });
  assert.deepEqual(read(signJwt({}, secret, { now: NOW, audience: ['a', 'b'] })).claims.aud, ['a', 'b']);
});

test('jwtId: true makes a random 128-bit id', () => {
  const signer = createSigner({ key: secret, now: NOW, jwtId: true });
  const ids = new Set<unknown>();
  for (let i = 0; i < 20; i++) {
    const jti = read(signer.sign({})).claims.jti;
    assert.match(String(jti), /^[A-Za-z0-9_-]{22}$/);
    ids.add(jti);
  }
  assert.equal(ids.size, 20);
});

test('a claim also set by an option is a conflict', () => {
  const conflicts: [JwtClaims, Parameters<typeof signJwt>[2]][] = [
    [{ iss: 'a' }, { issuer: 'b' }],
    [{ iss: 'a' }, { issuer: 'a' }],
    [{ sub: 'a' }, { subject: 'b' }],
    [{ aud: 'a' }, { audience: ['b'] }],
    [{ jti: 'a' }, { jwtId: 'b' }],
    [{ jti: 'a' }, { jwtId: true }],
    [{ exp: IAT + 10 }, { expiresIn: 60 }],
    [{ nbf: IAT }, { notBefore: 0 }],
  ];
  for (const [claims, opts] of conflicts) {
    assert.throws(() => signJwt(claims, secret, { ...opts, now: NOW }), invalid, JSON.stringify(claims));
  }
  // Claims alone are fine.
  assert.deepEqual(read(signJwt({ iss: 'a', exp: IAT + 10, nbf: IAT }, secret, { now: NOW })).claims, {
    iss: 'a',
    exp: IAT + 10,
    nbf: IAT,
    iat: IAT,
  });
});

test('option types are checked', () => {
  for (const opts of [
    { issuer: 5 },
    { subject: {} },
    { audience: [1] },
    { audience: 7 },
    { jwtId: 3 },
    { now: new Date('x') },
    { now: 5 },
  ]) {
    assert.throws(() => signJwt({}, secret, opts as never), invalid, JSON.stringify(opts));
  }
});

test('claims must be a plain JSON object with numeric time claims', () => {
  for (const claims of [null, [], 'sub', 5])
    assert.throws(() => signJwt(claims as never, secret), invalid, String(claims));
  for (const name of ['exp', 'nbf', 'iat']) {
    for (const value of ['1', Number.NaN, Number.POSITIVE_INFINITY, null, true]) {
      assert.throws(() => signJwt({ [name]: value }, secret), invalid, `${name}=${String(value)}`);
    }
  }
  assert.throws(() => signJwt(JSON.parse('{"__proto__":{"admin":true}}'), secret), invalid);
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  assert.throws(() => signJwt(circular, secret), invalid);
  assert.throws(() => signJwt({ n: 1n }, secret), invalid);
});

test('claims must serialize to the object that was checked (no toJSON)', () => {
  // A toJSON could serialize to a non-object (a malformed token) or smuggle claims past the
  // conflict checks, e.g. a second "iss" next to the issuer option's.
  const smuggler = { toJSON: () => ({ iss: 'evil' }) };
  for (const claims of [new Date(0), { toJSON: () => undefined }, { toJSON: () => 'x' }, smuggler]) {
    assert.throws(() => signJwt(claims as never, secret, { now: NOW, issuer: 'good' }), invalid);
  }
});

test('the claims object is never modified, and signers are reusable', () => {
  const claims = Object.freeze({ sub: 'u1', nested: Object.freeze({ a: 1 }) });
  const signer = createSigner({ key: ed.privateKey, now: NOW, expiresIn: '5m', issuer: 'iss' });
  const a = signer.sign(claims);
  const b = signer.sign(claims);
  assert.equal(a, b, 'EdDSA with the same input is deterministic');
  assert.deepEqual(claims, { sub: 'u1', nested: { a: 1 } });
  const payload = JSON.parse(
    Buffer.from(verifyJws(a, ed.publicKey, { algorithms: ['EdDSA'] }).payload).toString(),
  );
  assert.deepEqual(payload, { sub: 'u1', nested: { a: 1 }, iat: IAT, exp: IAT + 300, iss: 'iss' });
  assert.throws(() => createSigner({} as never), invalid);
  assert.throws(() => createSigner(undefined as never), invalid);
});
