import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createKeySet, generateSecret, signJwt } from '@tessera/jwt';
import { type AuthContext, createGuard, type GuardOptions } from '../src/index.js';
import { testGuard } from './support/guards.js';
import { AUDIENCE, accessClaims, accessToken, ed, ISSUER } from './support/keys.js';

const base: GuardOptions = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['EdDSA'], keys: ed.publicKey };
const without = (name: keyof GuardOptions): GuardOptions => {
  const copy = { ...base } as Record<string, unknown>;
  delete copy[name];
  return copy as unknown as GuardOptions;
};

describe('createGuard: a bad option throws at startup', () => {
  const cases: [string, () => unknown, RegExp | ((message: string) => boolean)][] = [
    ['no options', () => createGuard(undefined as never), /options are required/],
    ['algorithms missing', () => createGuard(without('algorithms')), /algorithms is required/],
    ['algorithms empty', () => createGuard({ ...base, algorithms: [] }), /algorithms is required/],
    [
      'algorithms with none',
      () => createGuard({ ...base, algorithms: ['none' as never] }),
      /unsupported algorithm/,
    ],
    ['issuer missing', () => createGuard(without('issuer')), /issuer is required/],
    ['issuer empty', () => createGuard({ ...base, issuer: '' }), /issuer must be/],
    ['audience missing', () => createGuard(without('audience')), /audience is required/],
    ['neither keys nor jwksUri', () => createGuard(without('keys')), /exactly one of keys and jwksUri/],
    ['both keys and jwksUri', () => createGuard({ ...base, jwksUri: 'https://a.test/jwks' }), /exactly one/],
    [
      'a bad jwksUri',
      () => createGuard({ ...without('keys'), jwksUri: 'file:///etc/passwd' }),
      /http: or https:/,
    ],
    ['jwks without jwksUri', () => createGuard({ ...base, jwks: { cooldownMs: 1 } }), /jwks needs jwksUri/],
    [
      'a key whose alg is not allowed',
      () => createGuard({ ...base, algorithms: ['ES256'] }),
      /not in algorithms/,
    ],
    [
      'a key set without an allowed alg',
      () => createGuard({ ...base, keys: createKeySet([ed.publicKey]), algorithms: ['RS256'] }),
      /no key in keys/,
    ],
    [
      'an unknown option',
      () => createGuard({ ...base, audiance: 'x' } as never),
      /unknown option "audiance"/,
    ],
    ['clockTolerance over 60 s', () => createGuard({ ...base, clockTolerance: 120 }), /at most 60/],
    [
      'clockTolerance not a duration',
      () => createGuard({ ...base, clockTolerance: '1 day' }),
      /clockTolerance/,
    ],
    ['an empty typ', () => createGuard({ ...base, typ: '' }), /typ must be/],
    ['a bad cookie name', () => createGuard({ ...base, cookie: 'a b' }), /cookie must be/],
    ['a bad query name', () => createGuard({ ...base, query: 'a&b' }), /query must be/],
    ['a realm with a quote', () => createGuard({ ...base, realm: 'a"b' }), /realm/],
    ['a default realm that cannot be quoted', () => createGuard({ ...base, audience: 'a"b' }), /realm/],
    ['maxTokenLength zero', () => createGuard({ ...base, maxTokenLength: 0 }), /maxTokenLength/],
    ['cache not an object', () => createGuard({ ...base, cache: 5 as never }), /cache must be/],
    ['revocations without url', () => createGuard({ ...base, revocations: {} as never }), /revocations.url/],
    [
      'revocations with a file url',
      () => createGuard({ ...base, revocations: { url: 'file:///x' } }),
      /revocations.url must be http/,
    ],
    [
      'a negative interval',
      () => createGuard({ ...base, revocations: { url: 'http://a.test/r', intervalMs: -1 } }),
      /intervalMs must be a positive number/,
    ],
    [
      'failClosedAfterMs shorter than the interval',
      () =>
        createGuard({
          ...base,
          revocations: { url: 'http://a.test/r', intervalMs: 5000, failClosedAfterMs: 1000 },
        }),
      /at least intervalMs/,
    ],
    [
      'revocation headers fetch would refuse',
      () => createGuard({ ...base, revocations: { url: 'http://a.test/r', headers: { 'x key': 'v' } } }),
      /revocations.headers: "x key"/,
    ],
    [
      'a revocation header value with a line break',
      () =>
        createGuard({ ...base, revocations: { url: 'http://a.test/r', headers: { 'x-key': 'sec\nret' } } }),
      (message: string) => /revocations.headers: "x-key"/.test(message) && !message.includes('sec'),
    ],
    [
      'credentials in the revocation url',
      () => createGuard({ ...base, revocations: { url: 'http://user:secret@a.test/r' } }),
      (message: string) => /must not contain credentials/.test(message) && !message.includes('secret'),
    ],
    [
      'credentials in the jwksUri',
      () => createGuard({ ...without('keys'), jwksUri: 'https://user:secret@a.test/jwks' }),
      (message: string) => /must not contain credentials/.test(message) && !message.includes('secret'),
    ],
    [
      'an unknown jwks option',
      () =>
        createGuard({ ...without('keys'), jwksUri: 'https://a.test/jwks', jwks: { cooldown: 1 } as never }),
      /unknown remote key set option "cooldown"/,
    ],
    [
      'an unknown cache option',
      () => createGuard({ ...base, cache: { max: 5 } as never }),
      /unknown cache option "max"/,
    ],
    [
      'an unknown revocation option',
      () => createGuard({ ...base, revocations: { url: 'http://a.test/r', interval: 5 } as never }),
      /revocations.interval/,
    ],
  ];
  for (const [name, build, message] of cases) {
    test(name, () =>
      assert.throws(
        build,
        (err: Error) =>
          err instanceof TypeError &&
          (typeof message === 'function' ? message(err.message) : message.test(err.message)),
      ),
    );
  }
});

describe('createGuard: defaults', () => {
  test('typ defaults to at+jwt: a JWT-typed token is refused, a custom typ can be set', () => {
    const jwtTyped = `Bearer ${signJwt(accessClaims(), ed.privateKey, { typ: 'JWT' })}`;
    assert.throws(() => createGuard(base).check(jwtTyped), { reason: 'ERR_JWT_CLAIM_INVALID' });
    assert.equal((createGuard({ ...base, typ: 'JWT' }).check(jwtTyped) as AuthContext).subject, 'user-1');
  });

  test('the realm defaults to the first audience and can be set', () => {
    assert.equal(createGuard({ ...base, audience: ['orders', 'api'] }).realm, 'orders');
    assert.equal(createGuard({ ...base, realm: 'example' }).realm, 'example');
  });

  test('with the cache (default), the same token gives the same frozen context; without, a fresh one', () => {
    const token = `Bearer ${accessToken()}`;
    const cached = testGuard();
    const first = cached.check(token) as AuthContext;
    assert.equal(cached.check(token), first);
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.claims));
    const uncached = testGuard({ cache: false });
    assert.notEqual(uncached.check(token), uncached.check(token));
  });

  test('HS256 guards work with a secret key', () => {
    const secret = generateSecret('HS256', { kid: 'h1' });
    const guard = createGuard({ ...base, algorithms: ['HS256'], keys: secret });
    const token = signJwt(accessClaims(), secret, { typ: 'at+jwt' });
    assert.equal((guard.check(`Bearer ${token}`) as AuthContext).subject, 'user-1');
  });

  test('status() of a guard with local keys and no feed', () => {
    assert.deepEqual(createGuard(base).status(), { keys: { source: 'static' }, revocations: undefined });
  });

  test('ready() and close() resolve at once without remote state (before any I/O turn)', async () => {
    const guard = createGuard(base);
    const nextTurn = () => new Promise<string>((resolve) => setImmediate(() => resolve('had to wait')));
    assert.equal(await Promise.race([guard.ready().then(() => 'ready'), nextTurn()]), 'ready');
    assert.equal(await Promise.race([guard.close().then(() => 'closed'), nextTurn()]), 'closed');
    assert.deepEqual(guard.status(), { keys: { source: 'static' }, revocations: undefined });
  });

  test('authorize() validates a plain requirement and throws 403', () => {
    const guard = createGuard(base);
    const auth = guard.check(`Bearer ${accessToken()}`) as AuthContext;
    guard.authorize(auth, { roles: ['user'] });
    assert.throws(() => guard.authorize(auth, { permissions: ['profile:read', 'x'] }), { status: 403 });
    assert.throws(() => guard.authorize(auth, {}), TypeError);
    // A look-alike of a compiled requirement is still validated.
    assert.throws(() => guard.authorize(auth, Object.freeze({ roles: [], permissions: [] })), TypeError);
  });
});
