// `tessera clients …` through the built CLI, on a temporary data directory.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportJwk, generateKeyPair } from '@tessera/jwt';
import { createSqlStore } from '../src/store/index.js';
import { assertBuilt, makeWorkspace, runCli } from './helpers/e2e-cli.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

describe('tessera clients', () => {
  let ws: Awaited<ReturnType<typeof makeWorkspace>>;
  before(async () => {
    assertBuilt();
    ws = await makeWorkspace();
  });
  after(() => ws.remove());

  const clients = (args: string[]) => runCli(['clients', ...args, ...ws.storeArgs]);
  const stored = async (id: string) => {
    const store = await createSqlStore({ dialect: 'sqlite', filename: join(ws.dataDir, 'tessera.db') });
    try {
      return { client: await store.clients.find(id), audit: await store.audit.list({ limit: 50 }) };
    } finally {
      await store.close();
    }
  };

  it('adds a client (creating the database) and prints its id and, once, its secret', async () => {
    const r = await clients([
      'add',
      'billing',
      '--scope',
      'invoices:read',
      'invoices:write',
      '--scope',
      'a b',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const id = /^client_id {6}([0-9a-f-]{36})$/m.exec(r.stdout)?.[1];
    const secret = /^client_secret {2}([A-Za-z0-9_-]{43})$/m.exec(r.stdout)?.[1];
    assert.ok(id !== undefined && secret !== undefined, r.stdout);
    assert.match(r.stdout, /shown this once/);
    const { client, audit } = await stored(id);
    assert.deepEqual(client?.scopes, ['invoices:read', 'invoices:write', 'a', 'b']);
    assert.equal(client?.secretHash, sha256(secret));
    const event = audit.find((e) => e.type === 'client-created');
    assert.equal(event?.details.userAgent, 'tessera-cli');
    assert.ok(!JSON.stringify(audit).includes(secret));

    const list = await clients(['list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^NAME +CLIENT_ID +AUTH +GRANTS +SCOPES +CREATED$/m);
    assert.match(
      list.stdout,
      new RegExp(`^billing +${id} +client_secret_basic +client_credentials +invoices:read`, 'm'),
    );
    assert.ok(!list.stdout.includes(secret));
  });

  it('rotates a secret (printed once) and removes a client', async () => {
    const added = await clients(['add', 'rotating', '--auth', 'client_secret_post', '--json']);
    assert.equal(added.code, 0, added.stderr);
    const body = JSON.parse(added.stdout) as {
      client_id: string;
      client_secret: string;
      token_endpoint_auth_method: string;
    };
    assert.equal(body.token_endpoint_auth_method, 'client_secret_post');
    const rotated = await clients(['rotate-secret', body.client_id]);
    assert.equal(rotated.code, 0, rotated.stderr);
    const secret = /^client_secret {2}([A-Za-z0-9_-]{43})$/m.exec(rotated.stdout)?.[1];
    assert.ok(secret !== undefined && secret !== body.client_secret);
    assert.equal((await stored(body.client_id)).client?.secretHash, sha256(secret));
    const listed = JSON.parse((await clients(['list', '--json'])).stdout) as { client_id: string }[];
    assert.ok(listed.some((c) => c.client_id === body.client_id));
    assert.ok(!JSON.stringify(listed).includes(secret));
    const removed = await clients(['remove', body.client_id]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal((await stored(body.client_id)).client, null);
    const again = await clients(['remove', body.client_id]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^tessera: no client with id [0-9a-f-]{36}\n$/);
  });

  it('adds a private_key_jwt client from a JWKS file, and refuses a private one', async () => {
    const pair = generateKeyPair('EdDSA', { kid: 'cli-key' });
    const publicFile = join(ws.dir, 'public.jwks.json');
    const privateFile = join(ws.dir, 'private.jwks.json');
    await writeFile(publicFile, JSON.stringify({ keys: [exportJwk(pair.publicKey)] }));
    await writeFile(privateFile, JSON.stringify({ keys: [exportJwk(pair.privateKey, { private: true })] }));
    const ok = await clients(['add', 'batch', '--auth', 'private_key_jwt', '--jwks-file', publicFile]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.doesNotMatch(ok.stdout, /client_secret/);
    const refused = await clients(['add', 'batch', '--auth', 'private_key_jwt', '--jwks-file', privateFile]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^tessera: the JWKS must hold public signature keys[^\n]*\n$/);
    assert.ok(!refused.stderr.includes(String(exportJwk(pair.privateKey, { private: true }).d)));
  });

  it('reports bad arguments on one line', async () => {
    for (const args of [
      ['add', 'x', '--auth', 'none'],
      ['add', 'x', '--grant', 'password'],
      ['add', 'x', '--scope', 'bad"scope'],
      ['add', 'x', '--auth', 'private_key_jwt'],
      ['add', 'x', '--auth', 'private_key_jwt', '--jwks-file', join(ws.dir, 'missing.json')],
      ['rotate-secret', 'no-such-client'],
    ]) {
      const r = await clients(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, /^tessera: [^\n]+\n$/, args.join(' '));
    }
  });
});
