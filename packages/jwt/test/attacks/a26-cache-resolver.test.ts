// A26: verified-token cache and key-resolution pitfalls (fast-jwt
// CVE-2026-35039 cache-key collisions, CVE-2026-44351 resolver fallbacks),
// plus the CVE-2022-23529 idea: only real Key/KeySet objects are ever used as
// keys, and a hostile key argument is never called into.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, it, mock } from 'node:test';
import {
  type Alg,
  createKeySet,
  createRemoteKeySet,
  createSigner,
  createVerifier,
  exportJwk,
  Key,
  KeySet,
  RemoteKeySet,
  signJws,
  signJwt,
  verifyJws,
  verifyJwt,
} from '../../src/index.js';
import { assertRejects, assertRejectsAsync } from '../support/assert.js';
import { b64u, claims, forge, NOW, NOW_S, parts } from '../support/forge.js';
import { pair, secret } from '../support/keys.js';
import { listen, sendJson } from '../support/server.js';

const OPTS = { algorithms: ['HS256'] as Alg[], now: NOW };

describe('A26: the verified-token cache', () => {
  const { bytes, key } = secret('HS256');
  const sign = (extra: Record<string, unknown>) => signJwt(claims(extra), key, { now: NOW });

  it('the same signature segment under another payload or header is not a hit', () => {
    const cached = createVerifier({ keys: key, ...OPTS, cache: true });
    const t1 = sign({ sub: 'user-1', role: 'user' });
    const [h, p, s] = parts(t1);
    assert.equal(cached.verify(t1).payload.role, 'user');
    const otherPayload = `${h}.${b64u(JSON.stringify(claims({ sub: 'user-1', role: 'admin' })))}.${s}`;
    const otherHeader = `${b64u('{"alg":"HS256","typ":"at+jwt"}')}.${p}.${s}`;
    for (const t of [otherPayload, otherHeader]) {
      assertRejects(() => cached.verify(t), 'ERR_JWS_INVALID_SIGNATURE', { token: t });
      assertRejects(() => cached.verify(t), 'ERR_JWS_INVALID_SIGNATURE', { token: t });
    }
    assert.equal(cached.verify(t1).payload.role, 'user');
  });

  it('prefixes, suffixes and near-copies of a cached token are not hits', () => {
    const cached = createVerifier({ keys: key, ...OPTS, cache: true });
    const t1 = sign({ sub: 'user-1' });
    cached.verify(t1);
    const last = t1.at(-1) as string;
    const near: [string, string][] = [
      [`${t1}A`, 'ERR_JWS_INVALID_SIGNATURE'],
      [`${t1}.`, 'ERR_JWS_INVALID'],
      [t1.slice(0, -1), 'ERR_JWS_INVALID_SIGNATURE'],
      [`${t1.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`, 'ERR_JWS_INVALID_SIGNATURE'],
      [` ${t1}`, 'ERR_JWS_INVALID'],
      [`${t1} `, 'ERR_JWS_INVALID_SIGNATURE'],
      [t1.slice(0, t1.lastIndexOf('.') + 1), 'ERR_JWS_INVALID_SIGNATURE'],
    ];
    for (const [t, code] of near) assertRejects(() => cached.verify(t), code as never, { token: t });
  });

  it('two valid tokens sharing a long prefix (or suffix) each get their own claims', () => {
    const cached = createVerifier({ keys: key, ...OPTS, cache: { maxEntries: 4 } });
    const base = { sub: 'user-1', note: 'x'.repeat(300) };
    const a = sign({ ...base, z: 'a' });
    const b = sign({ ...base, z: 'b' });
    const common = [...a].findIndex((ch, i) => ch !== b[i]);
    assert.ok(common > 300, 'the tokens share a long prefix');
    for (let i = 0; i < 3; i++) {
      assert.equal(cached.verify(a).payload.z, 'a');
      assert.equal(cached.verify(b).payload.z, 'b');
    }
    // Same claims, different kid: identical payload and a shared suffix-free layout, still distinct.
    const k1 = signJwt(claims({ sub: 'same' }), key, { kid: 'one', now: NOW });
    const k2 = signJwt(claims({ sub: 'same' }), key, { kid: 'two', now: NOW });
    assert.equal(cached.verify(k1).header.kid, 'one');
    assert.equal(cached.verify(k2).header.kid, 'two');
  });

  it('bounded: more tokens than maxEntries still verify correctly, old entries re-verified', () => {
    const cached = createVerifier({ keys: key, ...OPTS, cache: { maxEntries: 2 } });
    const tokens = Array.from({ length: 10 }, (_, i) => sign({ sub: `user-${i}` }));
    for (let round = 0; round < 2; round++) {
      for (const [i, t] of tokens.entries()) assert.equal(cached.verify(t).payload.sub, `user-${i}`);
    }
    for (const bad of [{ maxEntries: 0 }, { maxEntries: -1 }, { maxEntries: 1.5 }]) {
      assertRejects(() => createVerifier({ keys: key, ...OPTS, cache: bad }), 'ERR_INVALID_OPTIONS');
    }
  });

  it('results are deep-frozen: one caller cannot change what the next one reads', () => {
    const cached = createVerifier({ keys: key, ...OPTS, cache: true });
    const t = sign({ roles: ['user'], profile: { tier: 'free' } });
    const first = cached.verify(t);
    assert.ok(Object.isFrozen(first.payload) && Object.isFrozen(first.header));
    assert.ok(Object.isFrozen(first.payload.roles) && Object.isFrozen(first.payload.profile));
    assert.throws(() => (first.payload.roles as string[]).push('admin'), TypeError);
    assert.throws(() => {
      (first.payload.profile as Record<string, string>).tier = 'pro';
    }, TypeError);
    assert.throws(() => {
      first.payload.sub = 'admin';
    }, TypeError);
    const second = cached.verify(t);
    assert.deepEqual(second.payload.roles, ['user']);
    assert.equal((second.payload.profile as Record<string, string>).tier, 'free');
  });

  describe('with the real clock (mocked Date)', () => {
    afterEach(() => mock.timers.reset());
    const start = NOW.getTime();
    const forgeAt = (payload: Record<string, unknown>) =>
      forge({ header: { alg: 'HS256' }, payload, key: bytes });

    it('failures are not cached: not-yet-valid now, valid later', () => {
      mock.timers.enable({ apis: ['Date'], now: start });
      const cached = createVerifier({ keys: key, algorithms: ['HS256'], cache: true });
      const t = forgeAt({ sub: 'u', nbf: NOW_S + 10, exp: NOW_S + 100 });
      assertRejects(() => cached.verify(t), 'ERR_JWT_NOT_YET_VALID');
      mock.timers.tick(10_000);
      assert.equal(cached.verify(t).payload.sub, 'u');
    });

    it('an entry never outlives exp (plus tolerance) nor maxTokenAge', () => {
      mock.timers.enable({ apis: ['Date'], now: start });
      const cached = createVerifier({ keys: key, algorithms: ['HS256'], cache: true, clockTolerance: 5 });
      const t = forgeAt({ sub: 'u', exp: NOW_S + 10 });
      assert.equal(cached.verify(t).payload.sub, 'u');
      mock.timers.tick(14_999);
      assert.equal(cached.verify(t).payload.sub, 'u');
      mock.timers.tick(1);
      assertRejects(() => cached.verify(t), 'ERR_JWT_EXPIRED');

      const aged = createVerifier({ keys: key, algorithms: ['HS256'], cache: true, maxTokenAge: 60 });
      const t2 = forgeAt({ sub: 'u', iat: Math.floor(Date.now() / 1000), exp: NOW_S + 3600 });
      assert.equal(aged.verify(t2).payload.sub, 'u');
      mock.timers.tick(60_000);
      assert.equal(aged.verify(t2).payload.sub, 'u');
      mock.timers.tick(1001);
      assertRejects(() => aged.verify(t2), 'ERR_JWT_EXPIRED', { claim: 'iat' });
    });
  });

  it('a remote key removed by rotation invalidates cached tokens signed with it', async () => {
    const oldKey = pair('ES256', 'old');
    const newKey = pair('EdDSA', 'new');
    let keys = [exportJwk(oldKey.publicKey)];
    const server = await listen((_req, res) => sendJson(res, { keys }));
    try {
      const jwks = createRemoteKeySet(`${server.origin}/jwks.json`, { cooldownMs: 60_000 });
      const verifier = createVerifier({ keys: jwks, algorithms: ['ES256', 'EdDSA'], cache: true });
      const t = signJwt({ sub: 'user-1' }, oldKey.privateKey, { expiresIn: 600 });
      assert.equal((await verifier.verify(t)).payload.sub, 'user-1');
      assert.equal(verifier.verifySync(t).payload.sub, 'user-1');
      keys = [exportJwk(newKey.publicKey)];
      await jwks.reload();
      assertRejects(() => verifier.verifySync(t), 'ERR_JWKS_NO_MATCHING_KEY');
      await assertRejectsAsync(() => verifier.verify(t), 'ERR_JWKS_NO_MATCHING_KEY');
    } finally {
      await server.close();
    }
  });
});

describe('A26: key resolution never falls back', () => {
  const k1 = secret('HS256', 'k1');
  const kidless = secret('HS256');

  it('an unknown kid finds nothing, even when a kid-less "default" key would verify', () => {
    const set = createKeySet([k1.key, kidless.key]);
    for (const kid of ['unknown', 'K1', 'k1 ', 'default', '0']) {
      const t = forge({ header: { alg: 'HS256', kid }, payload: claims(), key: kidless.bytes });
      assertRejects(() => verifyJwt(t, set, OPTS), 'ERR_JWKS_NO_MATCHING_KEY', { token: t });
      assertRejects(() => verifyJws(t, set, OPTS), 'ERR_JWKS_NO_MATCHING_KEY', { token: t });
    }
  });

  it('no kid and several keys of the alg: refused rather than guessed (or tried one by one)', () => {
    const other = secret('HS256');
    const set = createKeySet([kidless.key, other.key]);
    const t = forge({ header: { alg: 'HS256' }, payload: claims(), key: other.bytes });
    assertRejects(() => verifyJwt(t, set, OPTS), 'ERR_JWKS_NO_MATCHING_KEY', { token: t });
    // With exactly one candidate it is unambiguous.
    assert.equal(verifyJwt(t, createKeySet([other.key]), OPTS).payload.sub, 'user-1');
  });

  it('a resolver "returning" empty or undefined keys cannot be built', () => {
    for (const hole of [undefined, null, '', 0, {}, Buffer.alloc(0)]) {
      assertRejects(() => createKeySet([k1.key, hole as never]), 'ERR_JWKS_INVALID');
    }
    assertRejects(() => createKeySet({ keys: [undefined as never] }), 'ERR_JWKS_INVALID');
    assertRejects(() => createKeySet(undefined as never), 'ERR_JWKS_INVALID');
    assertRejects(() => createKeySet({ keys: 'k1' } as never), 'ERR_JWKS_INVALID');
  });

  describe('a failing remote resolver rejects with a typed error', () => {
    it('connection refused ⇒ ERR_JWKS_FETCH_FAILED', async () => {
      const server = await listen();
      const url = `${server.origin}/jwks.json`;
      await server.close();
      const verifier = createVerifier({ keys: createRemoteKeySet(url), algorithms: ['ES256'] });
      const t = signJwt({ sub: 'user-1' }, pair('ES256').privateKey, { expiresIn: 600 });
      await assertRejectsAsync(() => verifier.verify(t), 'ERR_JWKS_FETCH_FAILED', { token: t });
    });

    for (const [label, respond, code] of [
      [
        'HTTP 500',
        (res: import('node:http').ServerResponse) => res.writeHead(500).end('oops'),
        'ERR_JWKS_FETCH_FAILED',
      ],
      [
        'HTTP 404',
        (res: import('node:http').ServerResponse) => res.writeHead(404).end(),
        'ERR_JWKS_FETCH_FAILED',
      ],
      [
        'invalid JSON',
        (res: import('node:http').ServerResponse) => res.writeHead(200).end('{"keys":['),
        'ERR_JWKS_INVALID',
      ],
      [
        'a JSON array',
        (res: import('node:http').ServerResponse) => res.writeHead(200).end('[]'),
        'ERR_JWKS_INVALID',
      ],
      [
        'keys not an array',
        (res: import('node:http').ServerResponse) => res.writeHead(200).end('{"keys":{}}'),
        'ERR_JWKS_INVALID',
      ],
      [
        'invalid UTF-8',
        (res: import('node:http').ServerResponse) => res.writeHead(200).end(Buffer.from([0x7b, 0xff, 0x7d])),
        'ERR_JWKS_INVALID',
      ],
      [
        'duplicate members',
        (res: import('node:http').ServerResponse) => res.writeHead(200).end('{"keys":[],"keys":[]}'),
        'ERR_JWKS_INVALID',
      ],
    ] as const) {
      it(`${label} ⇒ ${code}`, async () => {
        const server = await listen((_req, res) => respond(res));
        try {
          const verifier = createVerifier({
            keys: createRemoteKeySet(`${server.origin}/jwks.json`),
            algorithms: ['ES256'],
          });
          const t = signJwt({ sub: 'user-1' }, pair('ES256').privateKey, { expiresIn: 600 });
          await assertRejectsAsync(() => verifier.verify(t), code, { token: t });
        } finally {
          await server.close();
        }
      });
    }
  });
});

describe('CVE-2022-23529 idea: only real Key objects are ever used as keys', () => {
  const hs = secret('HS256', 'k1');
  const token = signJwt(claims(), hs.key, { now: NOW });

  function hostile() {
    const calls: string[] = [];
    const value = {
      toString() {
        calls.push('toString');
        return 'attacker-controlled';
      },
      valueOf() {
        calls.push('valueOf');
        return 1;
      },
      [Symbol.toPrimitive]() {
        calls.push('toPrimitive');
        return 'x';
      },
      resolve() {
        calls.push('resolve');
        return hs.key;
      },
      verify() {
        calls.push('verify');
        return true;
      },
      alg: 'HS256',
      signatureLength: 43,
    };
    return { value, calls };
  }

  it('a plain object with a malicious toString is refused everywhere and never called', () => {
    const { value, calls } = hostile();
    const k = value as never;
    assertRejects(() => verifyJwt(token, k, OPTS), 'ERR_INVALID_OPTIONS');
    assertRejects(() => verifyJws(token, k, OPTS), 'ERR_INVALID_OPTIONS');
    assertRejects(() => createVerifier({ keys: k, ...OPTS }), 'ERR_INVALID_OPTIONS');
    assertRejects(() => signJwt(claims(), k), 'ERR_INVALID_OPTIONS');
    assertRejects(() => signJws('{}', k), 'ERR_INVALID_OPTIONS');
    assertRejects(() => createSigner({ key: k }), 'ERR_INVALID_OPTIONS');
    assertRejects(() => createKeySet([k]), 'ERR_JWKS_INVALID');
    assert.deepEqual(calls, []);
  });

  it('strings, Buffers, KeyObjects, JWKs and arrays are not keys', () => {
    const keyObject = generateKeyPairSync('ed25519').publicKey;
    for (const k of [
      'secret',
      hs.bytes,
      new Uint8Array(hs.bytes),
      hs.key.keyObject,
      keyObject,
      exportJwk(pair('ES256').publicKey),
      { keys: [exportJwk(pair('ES256').publicKey)] },
      [hs.key],
    ]) {
      assertRejects(() => verifyJwt(token, k as never, OPTS), 'ERR_INVALID_OPTIONS');
      assertRejects(() => verifyJws(token, k as never, OPTS), 'ERR_INVALID_OPTIONS');
      assertRejects(() => signJwt(claims(), k as never), 'ERR_INVALID_OPTIONS');
    }
  });

  it('look-alikes built on Key, KeySet or RemoteKeySet prototypes are not keys', () => {
    const fakeKey = Object.assign(Object.create(Key.prototype), {
      alg: 'HS256',
      type: 'secret',
      signatureLength: 43,
      verify: () => true,
      sign: () => 'forged',
    });
    const fakeSet = Object.assign(Object.create(KeySet.prototype), { resolve: () => hs.key, keys: [] });
    const fakeRemote = Object.create(RemoteKeySet.prototype);
    assert.equal(fakeKey instanceof Key, false);
    const forgedToken = forge({
      header: { alg: 'HS256' },
      payload: claims({ sub: 'admin' }),
      signature: 'A'.repeat(43),
    });
    for (const fake of [fakeKey, fakeSet, fakeRemote]) {
      assertRejects(() => verifyJwt(forgedToken, fake, OPTS), 'ERR_INVALID_OPTIONS');
      assertRejects(() => verifyJws(forgedToken, fake, OPTS), 'ERR_INVALID_OPTIONS');
      assertRejects(() => createVerifier({ keys: fake, ...OPTS }), 'ERR_INVALID_OPTIONS');
    }
    assertRejects(() => signJwt(claims(), fakeKey), 'ERR_INVALID_OPTIONS');
    assertRejects(() => createKeySet([fakeKey]), 'ERR_JWKS_INVALID');
  });

  it('a Proxy passed as keys is refused without a single trap firing', () => {
    const traps: string[] = [];
    const handler: ProxyHandler<object> = {};
    for (const trap of [
      'get',
      'has',
      'getPrototypeOf',
      'ownKeys',
      'getOwnPropertyDescriptor',
      'apply',
    ] as const) {
      (handler as Record<string, unknown>)[trap] = (...args: unknown[]) => {
        traps.push(trap);
        return (Reflect[trap] as (...a: unknown[]) => unknown)(...args);
      };
    }
    const proxied = new Proxy(hs.key, handler);
    assertRejects(() => verifyJwt(token, proxied as never, OPTS), 'ERR_INVALID_OPTIONS');
    assertRejects(() => verifyJws(token, proxied as never, OPTS), 'ERR_INVALID_OPTIONS');
    assert.deepEqual(traps, []);
  });
});
