// Many instances on one PostgreSQL database, started at once: the schema is created and migrated
// once, exactly one first signing key is made and every instance serves the same JWKS; when the
// rotation time comes, every instance runs its schedule at the same moment, exactly one makes the
// next key and the others adopt it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openRuntime } from '../src/runtime.js';
import { createTesseraService, FrozenClock } from '../src/service/index.js';
import { createSqlStore } from '../src/store/index.js';
import { createTestDatabase, dropSchema, postgresForTests, randomSchemaName } from './helpers/postgres.js';
import { DAY, T0, testConfig } from './helpers/service.js';

const INSTANCES = 4;

describe('many instances on one PostgreSQL database', async () => {
  const postgres = await postgresForTests('service-many-instances');

  it('started at once on an empty database: one migration, one first key, the same JWKS everywhere', {
    skip: postgres.skip,
  }, async () => {
    const db = await createTestDatabase(postgres.url);
    const dir = await mkdtemp(join(tmpdir(), 'tessera-many-'));
    after(async () => {
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    });
    const kek = randomBytes(32).toString('base64url');
    const config = testConfig(dir, { databaseUrl: db.url, kek });
    const runtimes = await Promise.all(Array.from({ length: INSTANCES }, () => openRuntime(config)));
    try {
      const kids = runtimes.map((r) => r.service.keys.list().map((k) => k.kid));
      assert.equal(kids[0]?.length, 1, 'one first key');
      for (const list of kids) assert.deepEqual(list, kids[0]);
      const jwks = runtimes.map((r) => JSON.stringify(r.service.keys.jwks()));
      assert.equal(new Set(jwks).size, 1);
    } finally {
      await Promise.all(runtimes.map((r) => r.close()));
    }
  });

  it('scheduled rotation reached by every instance at the same moment: one new key, adopted by all', {
    skip: postgres.skip,
  }, async () => {
    const schema = randomSchemaName();
    const dir = await mkdtemp(join(tmpdir(), 'tessera-many-'));
    const clock = new FrozenClock(T0);
    const kek = randomBytes(32);
    const stores = await Promise.all(
      Array.from({ length: INSTANCES }, () =>
        createSqlStore({ dialect: 'postgres', connectionString: postgres.url, schema }),
      ),
    );
    after(async () => {
      await Promise.all(stores.map((s) => s.close()));
      await dropSchema(postgres.url, schema);
      await rm(dir, { recursive: true, force: true });
    });
    const services = stores.map((store) =>
      createTesseraService({ config: testConfig(dir), store, kek, clock }),
    );
    await Promise.all(services.map((s) => s.maintain()));
    const first = services[0]?.keys.list() ?? [];
    assert.equal(first.length, 1);

    // Past the point where the next key must be published: every instance's timer fires together.
    const { rotationIntervalMs, prepublishMs } = services[0]!.keys.policy;
    clock.advance(rotationIntervalMs - prepublishMs + DAY / 24);
    const results = await Promise.allSettled(services.map((s) => s.maintain()));
    assert.deepEqual(
      results.map((r) => r.status),
      services.map(() => 'fulfilled'),
    );
    await Promise.all(services.map((s) => s.keys.load()));
    const lists = services.map((s) => s.keys.list().map((k) => k.kid));
    assert.equal(lists[0]?.length, 2, 'exactly one next key');
    for (const list of lists) assert.deepEqual(list, lists[0]);
    const stored = await stores[0]!.keys.list({ now: clock.now() });
    assert.equal(stored.length, 2);
    // The old key stops signing when the new one activates, on every instance alike.
    assert.equal(stored[0]?.retiredAt, stored[1]?.activatesAt);

    // And once more, when the new key is due: still one at a time.
    clock.advance(rotationIntervalMs);
    await Promise.all(services.map((s) => s.maintain()));
    await Promise.all(services.map((s) => s.keys.load()));
    const after2 = services.map((s) => s.keys.list().map((k) => k.kid));
    for (const list of after2) assert.deepEqual(list, after2[0]);
    assert.equal(new Set(after2[0]).size, after2[0]?.length);
    assert.equal((await stores[0]!.keys.list({ now: clock.now() })).length, after2[0]?.length);
  });
});
