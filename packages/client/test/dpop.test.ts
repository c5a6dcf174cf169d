// DPoP (RFC 9449) in Node: the proofs @tessera/client/dpop makes are checked by @tessera/jwt's
// verifyDpopProof inside the fake server (structure, htu, ath, nonce, replay, key binding); the
// tests below look at what was sent and at what the server accepted or refused.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { accessTokenHash, jwkThumbprint, verifyDpopProof } from '@tessera/jwt';
import axios, { type AxiosError } from 'axios';
import { secureStoreKeyStore } from '../../../examples/client/dpop-react-native.js';
import { attachAxios } from '../src/axios.js';
import { type DpopKeyStore, dpop, memoryKeyStore } from '../src/dpop.js';
import { type ClientOptions, createClient, TesseraClientError } from '../src/index.js';
import { FakeClock, settle } from './support/fake-clock.js';
import { FakeServer, MemoryStorage } from './support/fake-server.js';
import { FakeBroadcastHub, FakeLocks } from './support/fake-tabs.js';

const BASE = 'https://auth.test';
const PASSWORD = 'right password';

/** A key store that counts its calls and can be looked into. */
class InspectableStore implements DpopKeyStore {
  pair: CryptoKeyPair | undefined;
  sets = 0;
  deletes = 0;
  async get() {
    return this.pair;
  }
  async set(pair: CryptoKeyPair) {
    this.sets++;
    this.pair ??= pair;
  }
  async delete() {
    this.deletes++;
    this.pair = undefined;
  }
}

function setup(
  opts: {
    server?: FakeServer;
    clock?: FakeClock;
    keyStore?: DpopKeyStore;
    nonces?: boolean;
    storage?: MemoryStorage;
    extra?: Partial<ClientOptions>;
  } = {},
) {
  const clock = opts.clock ?? new FakeClock();
  const server = opts.server ?? new FakeServer();
  server.dpop ??= { nonces: opts.nonces ?? false, now: clock.now };
  const client = createClient({
    baseUrl: BASE,
    mode: 'token',
    fetch: server.fetch,
    ...clock.options,
    autoRefresh: false,
    dpop: dpop(opts.keyStore ? { keyStore: opts.keyStore } : {}),
    ...(opts.storage ? { storage: opts.storage } : {}),
    ...opts.extra,
  });
  return { clock, server, client };
}

function decode(proof: string) {
  const [h, p] = proof.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(p!, 'base64url').toString()),
  };
}

const code = (c: string) => (err: unknown) => err instanceof TesseraClientError && err.code === c;

describe('@tessera/client/dpop: proofs', () => {
  test('login sends a proof: typ dpop+jwt, ES256, the public jwk only, jti, htm, htu, iat; the token is DPoP-bound', async () => {
    const { server, client, clock } = setup();
    await client.login('ada@example.com', PASSWORD);
    const login = server.requests[0]!;
    const raw = login.headers.get('dpop')!;
    const { header, payload } = decode(raw);
    assert.deepEqual(Object.keys(header), ['typ', 'alg', 'jwk']);
    assert.equal(header.typ, 'dpop+jwt');
    assert.equal(header.alg, 'ES256');
    assert.deepEqual(Object.keys(header.jwk).sort(), ['crv', 'kty', 'x', 'y'], 'no private member');
    assert.equal(header.jwk.crv, 'P-256');
    assert.match(payload.jti, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(payload.htm, 'POST');
    assert.equal(payload.htu, `${BASE}/auth/login`);
    assert.equal(payload.iat, Math.floor(clock.now() / 1000));
    assert.equal(payload.ath, undefined, 'no access token yet');
    assert.equal(payload.nonce, undefined, 'the server asked for none');
    // The server verified it with verifyDpopProof and bound the session to the key.
    assert.deepEqual(server.proofErrors, []);
    assert.equal(server.proofs[0]!.proof.jkt, jwkThumbprint(header.jwk));
  });

  test('client.fetch sends Authorization: DPoP and a proof with ath, bound to the same key', async () => {
    const { server, client } = setup();
    await client.login('ada@example.com', PASSWORD);
    const res = await client.fetch(`${BASE}/api/orders`, { method: 'POST', body: 'x' });
    assert.equal(res.status, 200);
    const sent = server.requests.at(-1)!;
    const at = (await client.getAccessToken())!;
    assert.equal(sent.headers.get('authorization'), `DPoP ${at}`);
    const { payload } = decode(sent.headers.get('dpop')!);
    assert.equal(payload.ath, accessTokenHash(at));
    assert.equal(payload.htm, 'POST');
    assert.equal(payload.htu, `${BASE}/api/orders`);
    const [login, call] = server.proofs;
    assert.equal(call!.proof.jkt, login!.proof.jkt);
    // A proof is for one request: verifying it for another method, URL or token fails.
    const now = new Date(server.dpop!.now());
    const check = (o: object) =>
      verifyDpopProof(call!.raw, {
        htm: 'POST',
        htu: `${BASE}/api/orders`,
        algorithms: ['ES256'],
        now,
        ...o,
      });
    assert.throws(() => check({ htm: 'GET' }), { code: 'ERR_DPOP_HTM_MISMATCH' });
    assert.throws(() => check({ htu: `${BASE}/api/other` }), { code: 'ERR_DPOP_HTU_MISMATCH' });
    assert.throws(() => check({ accessToken: 'another token' }), { code: 'ERR_DPOP_ATH_MISMATCH' });
  });

  test('htu is normalised: no query, no fragment, lower-case host, no default port; methods as fetch sends them', async () => {
    const { server, client } = setup();
    await client.login('ada@example.com', PASSWORD);
    await client.fetch('https://AUTH.test:443/api/x?page=2&q=a#frag', { method: 'post' });
    await client.fetch(new Request('https://auth.test/api/y?z=1', { method: 'PATCH' }));
    await client.fetch(new URL('https://auth.test/api/z?z=1'), { method: 'patch' });
    const sent = server.proofs.slice(1).map((p) => [p.proof.payload.htm, p.proof.payload.htu]);
    assert.deepEqual(sent, [
      ['POST', 'https://auth.test/api/x'],
      ['PATCH', 'https://auth.test/api/y'],
      // fetch sends PATCH as given: the proof says the same.
      ['patch', 'https://auth.test/api/z'],
    ]);
    assert.deepEqual(server.proofErrors, []);
  });

  test('every request gets a fresh proof (new jti): the server replay cache never fires', async () => {
    const { server, client } = setup();
    await client.login('ada@example.com', PASSWORD);
    await Promise.all(Array.from({ length: 10 }, () => client.fetch(`${BASE}/api/x`)));
    const jtis = server.proofs.map((p) => p.proof.jti);
    assert.equal(new Set(jtis).size, 11);
    assert.deepEqual(server.proofErrors, []);
  });

  test('refresh and logout carry proofs by the same key', async () => {
    const storage = new MemoryStorage();
    const { server, client } = setup({ storage });
    await client.login('ada@example.com', PASSWORD);
    server.revokeAccessTokens();
    assert.equal((await client.fetch(`${BASE}/api/x`)).status, 200, 'one refresh and one retry');
    assert.equal(server.count('POST /auth/refresh'), 1);
    await client.logout();
    const paths = server.proofs.map((p) => p.path);
    assert.deepEqual(paths, ['/auth/login', '/api/x', '/auth/refresh', '/api/x', '/auth/logout']);
    assert.equal(new Set(server.proofs.map((p) => p.proof.jkt)).size, 1);
    const logout = server.proofs.at(-1)!.proof;
    assert.ok(logout.payload.ath, 'logout sends the access token with its proof');
  });

  test('a stolen refresh token is useless to a client with another key; the victim carries on', async () => {
    const storage = new MemoryStorage();
    const { server, client } = setup({ storage });
    await client.login('ada@example.com', PASSWORD);
    const stolen = new MemoryStorage();
    await stolen.setItem('tessera.refresh_token', (await storage.getItem('tessera.refresh_token'))!);
    const thief = setup({ server, storage: stolen });
    assert.equal(await thief.client.restore(), false);
    assert.deepEqual(server.proofErrors, [], 'a valid proof, by the wrong key');
    server.revokeAccessTokens();
    assert.equal((await client.fetch(`${BASE}/api/x`)).status, 200, 'the victim still refreshes');
  });

  test('a proof the server refuses (a clock 10 minutes off) is ERR_CLIENT_DPOP_REFUSED at login, a sign-out at refresh', async () => {
    const clock = new FakeClock();
    const server = new FakeServer();
    let skew = 0;
    server.dpop = { nonces: false, now: () => clock.now() + skew };
    const { client } = setup({ server, clock });
    await client.login('ada@example.com', PASSWORD);
    skew = 10 * 60_000;
    await assert.rejects(client.login('ada@example.com', PASSWORD), (err: TesseraClientError) => {
      assert.equal(err.code, 'ERR_CLIENT_DPOP_REFUSED');
      assert.equal(err.status, 400);
      return true;
    });
    // An API refusing the proof answers 401 invalid_dpop_proof: returned as is (a refresh would not help).
    const res = await client.fetch(`${BASE}/api/x`);
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate')!, /invalid_dpop_proof/);
    assert.equal(server.count('POST /auth/refresh'), 0);
    await clock.advance(600_000);
    assert.equal(await client.getAccessToken(), null);
    assert.equal(client.status, 'signed-out');
    assert.deepEqual(server.proofErrors, ['ERR_DPOP_IAT', 'ERR_DPOP_IAT', 'ERR_DPOP_IAT']);
  });

  test('a server that issues Bearer tokens gets Bearer: no scheme change, no proof on API calls', async () => {
    const server = new FakeServer();
    const { client } = setup({ server });
    server.dpop = undefined; // the server ignores DPoP
    await client.login('ada@example.com', PASSWORD);
    await client.fetch(`${BASE}/api/x`);
    const sent = server.requests.at(-1)!;
    assert.match(sent.headers.get('authorization')!, /^Bearer /);
    assert.equal(sent.headers.get('dpop'), null);
  });
});

describe('@tessera/client/dpop: the key', () => {
  test('is an ES256 key pair whose private key cannot be exported (extractable: false)', async () => {
    const keyStore = new InspectableStore();
    const { client } = setup({ keyStore });
    await client.login('ada@example.com', PASSWORD);
    const pair = keyStore.pair!;
    assert.equal(pair.privateKey.extractable, false);
    assert.deepEqual(pair.privateKey.algorithm, { name: 'ECDSA', namedCurve: 'P-256' });
    assert.deepEqual(pair.privateKey.usages, ['sign']);
    for (const format of ['jwk', 'pkcs8'] as const) {
      await assert.rejects(crypto.subtle.exportKey(format, pair.privateKey), (err: Error) =>
        /^InvalidAccess/.test(err.name),
      );
    }
    // The public half is what goes into the proofs.
    assert.equal((await crypto.subtle.exportKey('jwk', pair.publicKey)).d, undefined);
  });

  test('is made once and kept in the key store: a restart with the store keeps the binding', async () => {
    const keyStore = new InspectableStore();
    const storage = new MemoryStorage();
    const first = setup({ keyStore, storage });
    await first.client.login('ada@example.com', PASSWORD);
    await first.client.fetch(`${BASE}/api/x`);
    assert.equal(keyStore.sets, 1);
    // "Restart": a new client with the same storage and key store resumes the bound session.
    const second = setup({ keyStore, storage, server: first.server, clock: first.clock });
    assert.equal(await second.client.restore(), true);
    assert.equal((await second.client.fetch(`${BASE}/api/x`)).status, 200);
    assert.equal(keyStore.sets, 1, 'no new key');
    assert.equal(new Set(first.server.proofs.map((p) => p.proof.jkt)).size, 1);
  });

  test('in memory by default in Node: a restart without a key store cannot use the bound refresh token', async () => {
    const storage = new MemoryStorage();
    const first = setup({ storage });
    await first.client.login('ada@example.com', PASSWORD);
    const second = setup({ storage, server: first.server, clock: first.clock });
    assert.equal(await second.client.restore(), false);
    assert.equal(second.client.status, 'signed-out');
    assert.equal(first.server.requests.at(-1)!.path, '/auth/refresh');
  });

  test('logout deletes the key: the next session is bound to a new one', async () => {
    const keyStore = new InspectableStore();
    const { client, server } = setup({ keyStore });
    await client.login('ada@example.com', PASSWORD);
    const before = keyStore.pair;
    await client.logout();
    assert.equal(keyStore.pair, undefined);
    assert.equal(keyStore.deletes, 1);
    await client.login('ada@example.com', PASSWORD);
    assert.notEqual(keyStore.pair, before);
    const jkts = server.proofs.filter((p) => p.path === '/auth/login').map((p) => p.proof.jkt);
    assert.equal(jkts.length, 2);
    assert.notEqual(jkts[0], jkts[1]);
  });

  test('a session that ended (refresh refused) also drops the key', async () => {
    const keyStore = new InspectableStore();
    const { client, server } = setup({ keyStore });
    await client.login('ada@example.com', PASSWORD);
    server.revokeAll();
    await assert.rejects(client.fetch(`${BASE}/api/x`), code('ERR_CLIENT_NOT_SIGNED_IN'));
    assert.equal(keyStore.pair, undefined);
  });

  test('two tabs making their first proof at once end up with one key (the store keeps the first)', async () => {
    const keyStore = memoryKeyStore();
    const clock = new FakeClock();
    const server = new FakeServer();
    server.dpop = { nonces: false, now: clock.now };
    const hub = new FakeBroadcastHub();
    const locks = new FakeLocks();
    const tab = () =>
      createClient({
        baseUrl: BASE,
        mode: 'browser',
        fetch: server.fetch,
        ...clock.options,
        autoRefresh: false,
        locks,
        BroadcastChannel: hub.BroadcastChannel,
        dpop: dpop({ keyStore }),
      });
    const a = tab();
    const b = tab();
    await Promise.all([a.authHeaders('t', 'GET', `${BASE}/x`), b.authHeaders('t', 'GET', `${BASE}/x`)]);
    await a.login('ada@example.com', PASSWORD);
    await settle();
    // Tab B took A's token from the channel, knows it is DPoP-bound, and signs with the same key.
    assert.equal((await b.fetch(`${BASE}/api/x`)).status, 200);
    assert.match(server.requests.at(-1)!.headers.get('authorization')!, /^DPoP /);
    assert.equal(new Set(server.proofs.map((p) => p.proof.jkt)).size, 1);
  });

  test('the React Native key store of examples/client: kept in the secure store across a restart, non-extractable in memory, deleted at logout', async () => {
    const items = new Map<string, string>();
    const secureStore = {
      getItemAsync: async (k: string) => items.get(k) ?? null,
      setItemAsync: async (k: string, v: string) => void items.set(k, v),
      deleteItemAsync: async (k: string) => void items.delete(k),
    };
    const storage = new MemoryStorage();
    const first = setup({ storage, keyStore: secureStoreKeyStore(secureStore) });
    await first.client.login('ada@example.com', PASSWORD);
    assert.ok(items.has('tessera.dpop_key'));
    const pair = (await secureStoreKeyStore(secureStore).get())!;
    assert.equal(pair.privateKey.extractable, false);
    const second = setup({
      storage,
      keyStore: secureStoreKeyStore(secureStore),
      server: first.server,
      clock: first.clock,
    });
    assert.equal(await second.client.restore(), true, 'the restarted app refreshes with the same key');
    assert.equal(new Set(first.server.proofs.map((p) => p.proof.jkt)).size, 1);
    await second.client.logout();
    assert.equal(items.has('tessera.dpop_key'), false);
  });

  test('dpop() needs WebCrypto; dpop: true is refused with a pointer to the subpath', () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    try {
      assert.throws(() => dpop(), code('ERR_CLIENT_NOT_SUPPORTED'));
    } finally {
      Object.defineProperty(globalThis, 'crypto', descriptor);
    }
    assert.throws(
      () =>
        createClient({
          baseUrl: BASE,
          mode: 'token',
          dpop: true as never,
          fetch: async () => new Response(),
        }),
      (err: TesseraClientError) =>
        err.code === 'ERR_CLIENT_INVALID_OPTIONS' && /@tessera\/client\/dpop/.test(err.message),
    );
  });
});

describe('@tessera/client/dpop: server nonces', () => {
  test('login: use_dpop_nonce → one retry with the nonce; later requests carry it from the start', async () => {
    const { server, client } = setup({ nonces: true });
    await client.login('ada@example.com', PASSWORD);
    assert.equal(server.count('POST /auth/login'), 2);
    assert.deepEqual(server.proofErrors, ['ERR_DPOP_NONCE']);
    assert.equal(server.proofs[0]!.proof.payload.nonce, 'nonce-1');
    assert.equal((await client.fetch(`${BASE}/api/x`)).status, 200);
    assert.equal(server.count('GET /api/x'), 1, 'same origin: the nonce was already known');
    assert.equal(server.proofs.at(-1)!.proof.payload.nonce, 'nonce-1');
  });

  test('a resource answering 401 use_dpop_nonce (a rotated nonce): one retry with the new nonce, no refresh', async () => {
    const { server, client } = setup({ nonces: true });
    await client.login('ada@example.com', PASSWORD);
    server.nonce = 'nonce-2';
    const res = await client.fetch(`${BASE}/api/x`, { method: 'PUT', body: 'payload' });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).body, 'payload', 'the body was sent again');
    assert.equal(server.count('PUT /api/x'), 2);
    assert.equal(server.count('POST /auth/refresh'), 0);
    assert.equal(server.proofs.at(-1)!.proof.payload.nonce, 'nonce-2');
  });

  test('a server that keeps asking for a new nonce: exactly one retry per request, never a loop', async () => {
    const { server, client } = setup({ nonces: true });
    await client.login('ada@example.com', PASSWORD);
    server.dpop!.neverSatisfied = true;
    const res = await client.fetch(`${BASE}/api/x`);
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate')!, /use_dpop_nonce/);
    assert.equal(server.count('GET /api/x'), 2);
    assert.equal(server.count('POST /auth/refresh'), 0, 'use_dpop_nonce is not invalid_token');
    const logins = server.count('POST /auth/login');
    await assert.rejects(client.login('ada@example.com', PASSWORD), code('ERR_CLIENT_DPOP_REFUSED'));
    assert.equal(server.count('POST /auth/login'), logins + 2);
  });

  test('nonces are kept per origin: another origin first gets a proof without one', async () => {
    const { server, client } = setup({ nonces: true });
    await client.login('ada@example.com', PASSWORD);
    const res = await client.fetch('https://api.test/api/x');
    assert.equal(res.status, 200);
    assert.equal(server.count('GET /api/x'), 2, 'api.test asked for its nonce once');
    const [first, second] = server.requests.filter((r) => r.path === '/api/x');
    assert.equal(decode(first!.headers.get('dpop')!).payload.nonce, undefined);
    assert.equal(decode(second!.headers.get('dpop')!).payload.nonce, 'nonce-1');
    assert.equal(decode(second!.headers.get('dpop')!).payload.htu, 'https://api.test/api/x');
  });

  test('a nonce on a successful answer is remembered for the next request', async () => {
    const { server, client } = setup();
    await client.login('ada@example.com', PASSWORD);
    server.apiAnswers.push(new Response('{}', { status: 200, headers: { 'dpop-nonce': 'fresh-nonce' } }));
    await client.fetch(`${BASE}/api/x`);
    await client.fetch(`${BASE}/api/x`);
    assert.equal(decode(server.requests.at(-1)!.headers.get('dpop')!).payload.nonce, 'fresh-nonce');
  });
});

describe('@tessera/client/axios with DPoP', () => {
  async function axiosSetup() {
    const { server, client, clock } = setup({ nonces: true });
    const api = axios.create({ baseURL: `${BASE}/api`, adapter: 'fetch', env: { fetch: server.fetch } });
    attachAxios(api, client);
    await client.login('ada@example.com', PASSWORD);
    return { server, client, clock, api };
  }

  test('every request carries Authorization: DPoP and a proof for its method, URL and token', async () => {
    const { server, client, api } = await axiosSetup();
    const { data } = await api.post('/orders?x=1', { n: 1 });
    assert.equal(data.user, 'ada@example.com');
    const sent = server.requests.at(-1)!;
    const at = (await client.getAccessToken())!;
    assert.equal(sent.headers.get('authorization'), `DPoP ${at}`);
    const { payload } = decode(sent.headers.get('dpop')!);
    assert.equal(payload.htm, 'POST');
    assert.equal(payload.htu, `${BASE}/api/orders`);
    assert.equal(payload.ath, accessTokenHash(at));
    assert.equal(payload.nonce, 'nonce-1');
  });

  test('use_dpop_nonce: one retry with the new nonce; a server that keeps asking: the second 401 is returned', async () => {
    const { server, api } = await axiosSetup();
    server.nonce = 'nonce-2';
    assert.equal((await api.get('/orders')).status, 200);
    assert.equal(server.count('GET /api/orders'), 2);
    assert.equal(server.proofs.at(-1)!.proof.payload.nonce, 'nonce-2');
    server.dpop!.neverSatisfied = true;
    await assert.rejects(api.get('/orders'), (err: AxiosError) => err.response?.status === 401);
    assert.equal(server.count('GET /api/orders'), 4);
    assert.equal(server.count('POST /auth/refresh'), 0);
  });
});
