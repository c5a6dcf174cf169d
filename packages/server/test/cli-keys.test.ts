// `tessera keys …` through the built CLI, on a temporary data directory.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, makeWorkspace, runCli } from './helpers/e2e-cli.js';

interface KeyRow {
  kid: string;
  alg: string;
  state: 'next' | 'active' | 'retired';
  activates_at: string;
  retires_at: string;
  expires_at: string;
}

describe('tessera keys', () => {
  let ws: Awaited<ReturnType<typeof makeWorkspace>>;

  before(async () => {
    assertBuilt();
    ws = await makeWorkspace();
    const add = await runCli(['users', 'add', 'ada@example.com', '--password-stdin', ...ws.storeArgs], {
      input: 'correct horse battery staple',
    });
    assert.equal(add.code, 0, add.stderr);
  });
  after(() => ws.remove());

  const keys = (args: string[]) => runCli(['keys', ...args, ...ws.storeArgs]);
  const list = async () => {
    const r = await keys(['list', '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as KeyRow[];
  };

  it('lists the first key as the active EdDSA key', async () => {
    const rows = await list();
    assert.equal(rows.length, 1);
    assert.deepEqual([rows[0]?.alg, rows[0]?.state, rows[0]?.retires_at], ['EdDSA', 'active', '-']);
    const table = await keys(['list']);
    assert.match(table.stdout, /^KID\s+ALG\s+STATE\s+ACTIVATES\s+RETIRES\s+EXPIRES\n/);
    assert.match(table.stdout, /EdDSA\s+active\s+\d{4}-\d\d-\d\dT/);
  });

  it('rotate publishes a next key that signs later; the current key stays active', async () => {
    const [first] = await list();
    const r = await keys(['rotate']);
    assert.equal(r.code, 0, r.stderr);
    const rows = await list();
    assert.equal(rows.length, 2);
    assert.deepEqual(
      rows.map((k) => [k.kid === first?.kid, k.state]),
      [
        [true, 'active'],
        [false, 'next'],
      ],
    );
    assert.match(r.stdout, new RegExp(`new key ${rows[1]?.kid} \\(EdDSA\\) is published and signs from `));
    assert.ok(Date.parse(rows[1]?.activates_at ?? '') > Date.now());
    assert.equal(rows[0]?.retires_at, rows[1]?.activates_at);
  });

  it('rotate --now makes a key that signs at once and retires the previous one', async () => {
    const r = await keys(['rotate', '--now']);
    assert.equal(r.code, 0, r.stderr);
    const rows = await list();
    const newest = rows.at(-1);
    assert.equal(newest?.state, 'active');
    assert.match(r.stdout, new RegExp(`new key ${newest?.kid} \\(EdDSA\\) is published and signs now`));
    assert.deepEqual(
      rows.slice(0, -1).map((k) => k.state),
      ['retired', 'retired'],
    );
    for (const k of rows.slice(0, -1)) assert.notEqual(k.expires_at, '-');
  });

  it('jwks prints every published public key and nothing private', async () => {
    const r = await keys(['jwks']);
    assert.equal(r.code, 0, r.stderr);
    const jwks = JSON.parse(r.stdout) as { keys: Record<string, unknown>[] };
    assert.deepEqual(jwks.keys.map((k) => k.kid).sort(), (await list()).map((k) => k.kid).sort());
    for (const key of jwks.keys) {
      assert.equal(key.kty, 'OKP');
      assert.equal(key.d, undefined);
    }
  });

  it('needs an existing database', async () => {
    const r = await runCli(['keys', 'list', '--data-dir', `${ws.dir}/elsewhere`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tessera: no Tessera database in /);
  });
});
