// `tessera keys …` through the built CLI, on a temporary data directory.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type AuditEvent, createSqlStore } from '../src/store/index.js';
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

  /** Reads the store the CLI wrote, with no CLI running. */
  const stored = async () => {
    const store = await createSqlStore({ dialect: 'sqlite', filename: join(ws.dataDir, 'tessera.db') });
    try {
      const audit = (type: string): Promise<AuditEvent[]> => store.audit.list({ limit: 50, type });
      return {
        revoked: await audit('key-revoked'),
        revokedAll: await audit('revoked-all'),
        feed: (await store.revocations.list({ limit: 100, now: Date.now() })).revoked,
      };
    } finally {
      await store.close();
    }
  };

  it('revoke KID: an unknown kid is an error; the active key is replaced at once and leaves the JWKS; audited', async () => {
    const unknown = await keys(['revoke', 'no-such-kid']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'tessera: no signing key no-such-kid\n');

    const before = await list();
    const active = before.find((k) => k.state === 'active')!;
    const r = await keys(['revoke', active.kid]);
    assert.equal(r.code, 0, r.stderr);
    const rows = await list();
    const replacement = rows.find((k) => k.state === 'active')!;
    assert.notEqual(replacement.kid, active.kid);
    assert.ok(!rows.some((k) => k.kid === active.kid), 'the revoked key is no longer listed');
    assert.match(
      r.stdout,
      new RegExp(`^new key ${replacement.kid} \\(EdDSA\\) is published and signs now\n`),
    );
    assert.match(r.stdout, new RegExp(`key ${active.kid} is revoked: it left the JWKS`));
    const jwks = JSON.parse((await keys(['jwks'])).stdout) as { keys: { kid: string }[] };
    assert.ok(!jwks.keys.some((k) => k.kid === active.kid));

    const { revoked, feed } = await stored();
    assert.deepEqual(
      revoked.map((row) => [row.userId, row.details.kid, row.details.replacedBy, row.details.userAgent]),
      [[null, active.kid, replacement.kid, 'tessera-cli']],
    );
    assert.ok(feed.some((e) => e.kind === 'key' && e.kid === active.kid));
  });

  it('revoke KID again changes nothing and says so (exit 0)', async () => {
    const { revoked } = await stored();
    const kid = String(revoked[0]?.details.kid);
    const before = await list();
    const r = await keys(['revoke', kid]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `key ${kid} was already revoked: nothing changed\n`);
    assert.deepEqual(await list(), before);
    assert.equal((await stored()).revoked.length, 1);
  });

  it('revoke --all writes one global entry and an audit row; a bare `revoke` is a usage error', async () => {
    const bare = await runCli(['revoke', ...ws.storeArgs]);
    assert.equal(bare.code, 1);
    assert.match(bare.stderr, /^tessera: say what to revoke: tessera revoke --all\n$/);
    const r = await runCli(['revoke', '--all', ...ws.storeArgs]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^every access token issued before \d{4}-\d\d-\d\dT[\d:.]+Z is revoked; sessions stay: clients refresh and get new tokens\n$/,
    );
    const { revokedAll, feed } = await stored();
    const all = feed.filter((e) => e.kind === 'all');
    assert.equal(all.length, 1);
    assert.deepEqual(
      revokedAll.map((row) => [row.userId, row.details.before, row.details.userAgent]),
      [[null, all[0]?.kind === 'all' ? all[0].before : -1, 'tessera-cli']],
    );
  });

  it('needs an existing database', async () => {
    const r = await runCli(['keys', 'list', '--data-dir', `${ws.dir}/elsewhere`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tessera: no Tessera database in /);
  });
});
