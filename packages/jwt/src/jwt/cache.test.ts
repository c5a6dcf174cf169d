import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { generateSecret } from '../jwk/generate.js';
import { VerifiedTokenCache } from './cache.js';
import { signJwt } from './sign.js';
import type { VerifiedJwt } from './types.js';
import { createVerifier } from './verify.js';

const T = 1_772_366_400; // 2026-03-01T12:00:00Z
const secret = generateSecret('HS256');
const code = (c: string) => ({ name: 'JwtError', code: c });
/** A token issued at T; `expiresIn: null` leaves exp out. */
const token = (claims: Record<string, unknown>, expiresIn: number | null = 10) =>
  signJwt(
    claims,
    secret,
    expiresIn === null ? { now: new Date(T * 1000) } : { now: new Date(T * 1000), expiresIn },
  );

/** Freezes Date at T and returns a setter in seconds; the verifiers below read the clock (no `now`). */
function clock(t: TestContext): (seconds: number) => void {
  t.mock.timers.enable({ apis: ['Date'], now: T * 1000 });
  return (seconds) => t.mock.timers.setTime(Math.round(seconds * 1000));
}

test('a hit returns the same frozen result', (t) => {
  clock(t);
  const verifier = createVerifier({ keys: secret, algorithms: ['HS256'], cache: true });
  const jwt = token({ sub: 'u1', roles: ['a'], profile: { n: 1 } });
  const first = verifier.verify(jwt);
  const second = verifier.verify(jwt);
  assert.equal(second, first);
  assert.deepEqual(
    { ...second.payload },
    { sub: 'u1', roles: ['a'], profile: { n: 1 }, iat: T, exp: T + 10 },
  );
  for (const part of [first, first.payload, first.header, first.payload.roles, first.payload.profile]) {
    assert.ok(Object.isFrozen(part));
  }
  assert.throws(() => {
    (first.payload as Record<string, unknown>).sub = 'admin';
  }, TypeError);
  assert.throws(() => {
    (first.payload.roles as string[]).push('admin');
  }, TypeError);
  assert.equal(verifier.verify(jwt).payload.sub, 'u1');
});

test('a cached token is never served at or after its exp, even as the clock moves', (t) => {
  const set = clock(t);
  const verifier = createVerifier({ keys: secret, algorithms: ['HS256'], cache: true });
  const jwt = token({ sub: 'u1' });
  const first = verifier.verify(jwt);
  set(T + 9.999);
  assert.equal(verifier.verify(jwt), first);
  set(T + 10);
  assert.throws(() => verifier.verify(jwt), code('ERR_JWT_EXPIRED'));
  set(T + 3600);
  assert.throws(() => verifier.verify(jwt), code('ERR_JWT_EXPIRED'));
});

test('the tolerance extends the cached lifetime exactly as it extends verification', (t) => {
  const set = clock(t);
  const verifier = createVerifier({ keys: secret, algorithms: ['HS256'], cache: true, clockTolerance: 5 });
  const jwt = token({});
  const first = verifier.verify(jwt);
  set(T + 14.999);
  assert.equal(verifier.verify(jwt), first);
  set(T + 15);
  assert.throws(() => verifier.verify(jwt), code('ERR_JWT_EXPIRED'));
});

test('maxTokenAge bounds the cached lifetime', (t) => {
  const set = clock(t);
  const verifier = createVerifier({ keys: secret, algorithms: ['HS256'], cache: true, maxTokenAge: 30 });
  const jwt = token({}, 3600);
  const first = verifier.verify(jwt);
  set(T + 29.999);
  assert.equal(verifier.verify(jwt), first);
  // At exactly iat + maxTokenAge verification still passes (the cache may re-verify it).
  set(T + 30);
  assert.deepEqual(verifier.verify(jwt), first);
  set(T + 30.001);
  assert.throws(() => verifier.verify(jwt), code('ERR_JWT_EXPIRED'));
});

test('a cached token is not served before its nbf if the clock goes back', (t) => {
  const set = clock(t);
  const verifier = createVerifier({ keys: secret, algorithms: ['HS256'], cache: true });
  const jwt = signJwt({}, secret, { now: new Date(T * 1000), expiresIn: 60, notBefore: 0 });
  const first = verifier.verify(jwt);
  set(T - 1);
  assert.throws(() => verifier.verify(jwt), code('ERR_JWT_NOT_YET_VALID'));
  set(T);
  // The entry was kept (it is still valid later), so the same result comes back.
  assert.equal(verifier.verify(jwt), first);
});

test('failures are not cached', (t) => {
  const set = clock(t);
  const verifier = createVerifier({ keys: secret, algorithms: ['HS256'], cache: true });
  const jwt = token({ sub: 'u1' });
  set(T + 20);
  assert.throws(() => verifier.verify(jwt), code('ERR_JWT_EXPIRED'));
  set(T);
  assert.equal(verifier.verify(jwt).payload.sub, 'u1');
  // A twin with another signature is its own cache key, and fails every time.
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const twin = `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
  for (let i = 0; i < 3; i++) assert.throws(() => verifier.verify(twin), code('ERR_JWS_INVALID_SIGNATURE'));
  assert.throws(() => verifier.verify(`${jwt} `), code('ERR_JWS_INVALID_SIGNATURE'));
});

test('the cache is bounded: the oldest entry is evicted', (t) => {
  clock(t);
  const verifier = createVerifier({ keys: secret, algorithms: ['HS256'], cache: { maxEntries: 2 } });
  const [a, b, c] = ['a', 'b', 'c'].map((sub) => token({ sub })) as [string, string, string];
  const ra = verifier.verify(a);
  const rb = verifier.verify(b);
  verifier.verify(c); // evicts a
  assert.equal(verifier.verify(b), rb);
  const ra2 = verifier.verify(a); // re-verified, evicts b
  assert.notEqual(ra2, ra);
  assert.deepEqual(ra2, ra);
  assert.notEqual(verifier.verify(b), rb);
});

test('tokens without exp are never cached; no cache unless asked', (t) => {
  clock(t);
  const noExp = createVerifier({ keys: secret, algorithms: ['HS256'], cache: true, requireExp: false });
  const jwt = token({}, null);
  assert.equal(noExp.verify(jwt).payload.exp, undefined);
  assert.notEqual(noExp.verify(jwt), noExp.verify(jwt));
  const uncached = createVerifier({ keys: secret, algorithms: ['HS256'] });
  const withExp = token({});
  assert.notEqual(uncached.verify(withExp), uncached.verify(withExp));
  const off = createVerifier({ keys: secret, algorithms: ['HS256'], cache: false });
  assert.notEqual(off.verify(withExp), off.verify(withExp));
  for (const maxEntries of [0, -1, 1.5, Number.NaN]) {
    assert.throws(
      () => createVerifier({ keys: secret, algorithms: ['HS256'], cache: { maxEntries } }),
      code('ERR_INVALID_OPTIONS'),
    );
  }
});

test('VerifiedTokenCache: validity window, key-set version, size bound', () => {
  const cache = new VerifiedTokenCache(2);
  const result = (sub: string): VerifiedJwt => ({ header: { alg: 'HS256' }, payload: { sub, list: [1] } });
  const stored = cache.set('t1', result('a'), 1000, 2000, 1);
  assert.ok(Object.isFrozen(stored.payload.list));
  assert.equal(cache.get('t1', 999, 1), undefined, 'before from');
  assert.equal(cache.size, 1, 'kept: it becomes valid later');
  assert.equal(cache.get('t1', 1000, 1), stored);
  assert.equal(cache.get('t1', 1999, 1), stored);
  assert.equal(cache.get('t1', 2000, 1), undefined, 'at until');
  assert.equal(cache.size, 0, 'dropped once past until');
  cache.set('t2', result('b'), 0, 5000, 1);
  assert.equal(cache.get('t2', 100, 2), undefined, 'another key-set version');
  assert.equal(cache.size, 0);
  cache.set('x', result('x'), 0, 5000, 1);
  cache.set('y', result('y'), 0, 5000, 1);
  cache.set('z', result('z'), 0, 5000, 1);
  assert.equal(cache.size, 2);
  assert.equal(cache.get('x', 100, 1), undefined);
  assert.equal(cache.get('z', 100, 1)?.payload.sub, 'z');
  assert.equal(cache.get('missing', 100, 1), undefined);
});

test('a token sharing the last characters of a cached one is a miss, verified in full', (t) => {
  clock(t);
  const verifier = createVerifier({ keys: secret, algorithms: ['HS256'], cache: true });
  const jwt = token({ sub: 'u1' });
  const first = verifier.verify(jwt);
  // Same signature (so the same index), another payload: never the cached claims.
  const [h, , s] = jwt.split('.') as [string, string, string];
  const forged = `${h}.${token({ sub: 'admin' }).split('.')[1]}.${s}`;
  for (let i = 0; i < 3; i++) assert.throws(() => verifier.verify(forged), code('ERR_JWS_INVALID_SIGNATURE'));
  assert.equal(verifier.verify(jwt), first, 'the cached entry is untouched');
});

test('VerifiedTokenCache: entries are indexed by the last 32 characters, confirmed by the whole token', () => {
  const cache = new VerifiedTokenCache(4);
  const suffix = 'x'.repeat(32);
  const result = (sub: string): VerifiedJwt => ({ header: { alg: 'HS256' }, payload: { sub } });
  const a = cache.set(`a.${suffix}`, result('a'), 0, 5000, 1);
  assert.equal(cache.get(`b.${suffix}`, 100, 1), undefined, 'same index, other token');
  assert.equal(cache.get(`a.${suffix}`, 100, 1), a);
  cache.set(`b.${suffix}`, result('b'), 0, 5000, 1);
  assert.equal(cache.size, 1, 'the newer token takes the index over');
  assert.equal(cache.get(`a.${suffix}`, 100, 1), undefined);
  assert.equal(cache.get(`b.${suffix}`, 100, 1)?.payload.sub, 'b');
  // Tokens shorter than the index are indexed whole.
  const short = cache.set('s', result('s'), 0, 5000, 1);
  assert.equal(cache.get('s', 100, 1), short);
  assert.equal(cache.size, 2);
});
