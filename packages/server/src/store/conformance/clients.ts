import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { NewClient } from '../contract/clients.js';
import type { Store } from '../contract/index.js';
import { type StoreFactory, secretHash, T0, withStore } from './support.js';

const JWKS = {
  keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'k1' }],
};

function newClient(overrides: Partial<NewClient> = {}): NewClient {
  return {
    id: randomUUID(),
    name: 'billing service',
    authMethod: 'client_secret_basic',
    secretHash: secretHash(),
    jwks: null,
    signingAlgs: [],
    grantTypes: ['client_credentials'],
    scopes: ['invoices:read', 'invoices:write'],
    now: T0,
    ...overrides,
  };
}

async function addClient(store: Store, overrides: Partial<NewClient> = {}) {
  const result = await store.clients.create(newClient(overrides));
  if (result.status !== 'created') throw new Error('fixture client was not created');
  return result.client;
}

/** OAuth clients, and the token-id set behind assertion replay protection and access-token revocation. */
export function clientConformance(factory: StoreFactory): void {
  describe('clients', () => {
    it(
      'creates a client and returns it as stored, secret hash and JWKS included',
      withStore(factory, async (store) => {
        const input = newClient();
        const result = await store.clients.create(input);
        const { now: _, ...rest } = input;
        const expected = { ...rest, createdAt: T0, updatedAt: T0 };
        assert.deepEqual(result, { status: 'created', client: expected });
        assert.deepEqual(await store.clients.find(input.id), expected);
        const keyed = newClient({
          authMethod: 'private_key_jwt',
          secretHash: null,
          jwks: JWKS,
          signingAlgs: ['EdDSA'],
        });
        await store.clients.create(keyed);
        const found = await store.clients.find(keyed.id);
        assert.deepEqual([found?.jwks, found?.signingAlgs, found?.secretHash], [JWKS, ['EdDSA'], null]);
        assert.equal(await store.clients.find(randomUUID()), null);
      }),
    );

    it(
      'reports a taken id as a result, and exactly one of concurrent creates wins',
      withStore(factory, async (store) => {
        const client = await addClient(store);
        assert.deepEqual(await store.clients.create(newClient({ id: client.id })), {
          status: 'duplicate-id',
        });
        const id = randomUUID();
        const results = await Promise.all(
          Array.from({ length: 10 }, () => store.clients.create(newClient({ id }))),
        );
        assert.equal(results.filter((r) => r.status === 'created').length, 1);
      }),
    );

    it(
      'lists by id in pages',
      withStore(factory, async (store) => {
        const ids = await Promise.all(Array.from({ length: 5 }, async () => (await addClient(store)).id));
        ids.sort();
        const first = await store.clients.list({ limit: 3 });
        assert.deepEqual(
          first.map((c) => c.id),
          ids.slice(0, 3),
        );
        const rest = await store.clients.list({ limit: 3, after: first.at(-1)?.id });
        assert.deepEqual(
          rest.map((c) => c.id),
          ids.slice(3),
        );
      }),
    );

    it(
      'replaces the secret hash and deletes',
      withStore(factory, async (store) => {
        const client = await addClient(store);
        const hash = secretHash();
        const updated = await store.clients.setSecretHash(client.id, hash, T0 + 5);
        assert.deepEqual(updated, { ...client, secretHash: hash, updatedAt: T0 + 5 });
        assert.equal(await store.clients.setSecretHash(randomUUID(), hash, T0), null);
        assert.equal(await store.clients.delete(client.id), true);
        assert.equal(await store.clients.delete(client.id), false);
        assert.equal(await store.clients.find(client.id), null);
      }),
    );
  });

  describe('token ids', () => {
    it(
      'adds an id once per kind until it expires, then takes it again',
      withStore(factory, async (store) => {
        assert.equal(await store.tokenIds.add('client-assertion', 'c:j1', T0 + 60_000, T0), true);
        assert.equal(await store.tokenIds.add('client-assertion', 'c:j1', T0 + 90_000, T0 + 1), false);
        assert.equal(await store.tokenIds.add('revoked-access-token', 'c:j1', T0 + 60_000, T0), true);
        assert.equal(await store.tokenIds.has('client-assertion', 'c:j1', T0 + 59_999), true);
        assert.equal(await store.tokenIds.has('client-assertion', 'c:j1', T0 + 60_000), false);
        assert.equal(await store.tokenIds.has('client-assertion', 'c:j2', T0), false);
        // Expired: it counts as absent, and the new deadline holds.
        assert.equal(await store.tokenIds.add('client-assertion', 'c:j1', T0 + 120_000, T0 + 60_000), true);
        assert.equal(await store.tokenIds.has('client-assertion', 'c:j1', T0 + 100_000), true);
      }),
    );

    it(
      'lets exactly one of 20 concurrent adds of one id win',
      withStore(factory, async (store) => {
        const results = await Promise.all(
          Array.from({ length: 20 }, () => store.tokenIds.add('client-assertion', 'c:race', T0 + 60_000, T0)),
        );
        assert.equal(results.filter(Boolean).length, 1);
      }),
    );

    it(
      'purges expired entries only',
      withStore(factory, async (store) => {
        await store.tokenIds.add('k', 'short', T0 + 1000, T0);
        await store.tokenIds.add('k', 'long', T0 + 60_000, T0);
        assert.equal(await store.tokenIds.purge(T0 + 1000), 1);
        assert.equal(await store.tokenIds.has('k', 'long', T0 + 1000), true);
        assert.equal(await store.tokenIds.add('k', 'long', T0 + 90_000, T0 + 1000), false);
      }),
    );

    it(
      'keeps clients and token ids across a restart',
      withStore(factory, async (store, sut, t) => {
        if (sut.reopen === undefined) {
          t.skip('the store factory has no reopen()');
          return;
        }
        const client = await addClient(store);
        await store.tokenIds.add('client-assertion', 'c:kept', T0 + 60_000, T0);
        await store.close();
        const again = await sut.reopen();
        try {
          assert.deepEqual(await again.clients.find(client.id), client);
          assert.equal(await again.tokenIds.add('client-assertion', 'c:kept', T0 + 60_000, T0 + 1), false);
        } finally {
          await again.close();
        }
      }),
    );
  });
}
