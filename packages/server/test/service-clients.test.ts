import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { exportJwk, generateKeyPair, generateSecret } from '@tessera/jwt';
import { parseScope } from '../src/service/index.js';
import { openTestService, T0, type TestService } from './helpers/service.js';

const ed = generateKeyPair('EdDSA', { kid: 'ed' });
const ec = generateKeyPair('ES256', { kid: 'ec' });

describe('clients', () => {
  let t: TestService;
  before(async () => {
    t = await openTestService();
  });
  after(() => t.cleanup());

  it('registers a client with a 256-bit secret stored only as its SHA-256, and audits it', async () => {
    const result = await t.service.clients.add(
      { name: '  billing  ', scopes: ['invoices:read', 'invoices:read', 'invoices:write'] },
      { userId: 'admin-1', meta: { ip: '203.0.113.9', userAgent: 'ua' } },
    );
    assert.ok(result.status === 'created');
    const { client, secret } = result;
    assert.match(client.id, /^[0-9a-f-]{36}$/);
    assert.match(secret ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(
      {
        name: client.name,
        authMethod: client.authMethod,
        grantTypes: client.grantTypes,
        scopes: client.scopes,
        jwks: client.jwks,
      },
      {
        name: 'billing',
        authMethod: 'client_secret_basic',
        grantTypes: ['client_credentials'],
        scopes: ['invoices:read', 'invoices:write'],
        jwks: null,
      },
    );
    const stored = await t.store.clients.find(client.id);
    assert.equal(
      stored?.secretHash,
      createHash('sha256')
        .update(secret ?? '')
        .digest('base64url'),
    );
    const [event] = await t.store.audit.list({ limit: 1, type: 'client-created' });
    assert.equal(event?.userId, 'admin-1');
    assert.equal(event?.ip, '203.0.113.9');
    assert.equal(event?.details.clientId, client.id);
    assert.ok(!JSON.stringify(event).includes(secret ?? '-'), 'no secret in the audit row');
    assert.ok(!JSON.stringify(event).includes(stored?.secretHash ?? '-'), 'no secret hash in the audit row');
  });

  it('refuses bad names, scopes, grant types and methods with a problem, never echoing input', async () => {
    const cases = [
      [{ name: '' }, 'invalid-name'],
      [{ name: 'x'.repeat(65) }, 'invalid-name'],
      [{ name: 'evil\u001b[31m' }, 'invalid-name'],
      [{ name: 'bidi\u202e' }, 'invalid-name'],
      [{ name: 'a', scopes: ['has space'] }, 'invalid-scope'],
      [{ name: 'a', scopes: ['quote"'] }, 'invalid-scope'],
      [{ name: 'a', scopes: Array.from({ length: 65 }, (_, i) => `s${i}`) }, 'invalid-scope'],
      [{ name: 'a', grantTypes: [] }, 'invalid-grant-type'],
      [{ name: 'a', grantTypes: ['password'] }, 'invalid-grant-type'],
      [{ name: 'a', authMethod: 'client_secret_jwt' }, 'invalid-auth-method'],
      [{ name: 'a', authMethod: 'none' }, 'invalid-auth-method'],
      [{ name: 'a', authMethod: 'private_key_jwt' }, 'jwks-required'],
      [{ name: 'a', jwks: { keys: [exportJwk(ed.publicKey)] } }, 'jwks-not-allowed'],
    ] as const;
    for (const [input, problem] of cases) {
      const result = await t.service.clients.add(input);
      assert.deepEqual(result, { status: 'invalid', problem }, JSON.stringify(input));
    }
  });

  it('private_key_jwt: keeps the public keys and their algorithms; refuses private, secret or ambiguous keys', async () => {
    const ok = await t.service.clients.add({
      name: 'batch',
      authMethod: 'private_key_jwt',
      jwks: { keys: [{ ...exportJwk(ed.publicKey), extra: 'dropped' }, exportJwk(ec.publicKey)] },
    });
    assert.ok(ok.status === 'created');
    assert.equal(ok.secret, null);
    assert.equal(ok.client.secretHash, null);
    assert.deepEqual(ok.client.signingAlgs, ['EdDSA', 'ES256']);
    assert.deepEqual(ok.client.jwks, { keys: [exportJwk(ed.publicKey), exportJwk(ec.publicKey)] });
    const noKid = generateKeyPair('EdDSA');
    const noKid2 = generateKeyPair('ES256');
    for (const jwks of [
      { keys: [exportJwk(ed.privateKey, { private: true })] },
      { keys: [exportJwk(generateSecret('HS256', { kid: 's' }), { private: true })] },
      { keys: [] },
      { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'not a point' }] },
      { keys: [exportJwk(noKid.publicKey), exportJwk(noKid2.publicKey)] },
      { keys: [{ ...exportJwk(ed.publicKey), use: 'enc' }] },
      'not a jwks',
    ]) {
      const result = await t.service.clients.add({ name: 'k', authMethod: 'private_key_jwt', jwks });
      assert.deepEqual(result, { status: 'invalid', problem: 'invalid-jwks' }, JSON.stringify(jwks));
    }
  });

  it('rotates a secret: the old hash is replaced; private_key_jwt clients have none', async () => {
    const added = await t.service.clients.add({ name: 'rotating' });
    assert.ok(added.status === 'created');
    t.clock.advance(1000);
    const rotated = await t.service.clients.rotateSecret(added.client.id, { userId: 'admin-1' });
    assert.ok(rotated.status === 'ok');
    assert.notEqual(rotated.secret, added.secret);
    assert.equal(rotated.client.updatedAt, t.clock.now());
    assert.equal(
      (await t.store.clients.find(added.client.id))?.secretHash,
      createHash('sha256').update(rotated.secret).digest('base64url'),
    );
    assert.deepEqual(await t.service.clients.rotateSecret('no-such-client'), { status: 'not-found' });
    const keyed = await t.service.clients.add({
      name: 'keyed',
      authMethod: 'private_key_jwt',
      jwks: { keys: [exportJwk(ed.publicKey)] },
    });
    assert.ok(keyed.status === 'created');
    assert.deepEqual(await t.service.clients.rotateSecret(keyed.client.id), { status: 'no-secret' });
    assert.equal((await t.store.audit.list({ limit: 10, type: 'client-secret-rotated' })).length, 1);
  });

  it('lists and removes clients', async () => {
    const added = await t.service.clients.add({ name: 'temporary' });
    assert.ok(added.status === 'created');
    assert.ok((await t.service.clients.list()).some((c) => c.id === added.client.id));
    assert.equal(await t.service.clients.remove(added.client.id), true);
    assert.equal(await t.service.clients.remove(added.client.id), false);
    assert.equal(await t.service.clients.find(added.client.id), null);
    const [event] = await t.store.audit.list({ limit: 1, type: 'client-removed' });
    assert.equal(event?.details.clientId, added.client.id);
    assert.ok(event !== undefined && event.at >= T0);
  });
});

describe('parseScope', () => {
  it('splits on spaces, drops duplicates and refuses malformed scope tokens', () => {
    assert.deepEqual(parseScope('a  b a'), ['a', 'b']);
    assert.deepEqual(parseScope(''), []);
    assert.equal(parseScope('a\\b'), null);
    assert.equal(parseScope('é'), null);
    assert.equal(parseScope('a\tb'), null);
  });
});
