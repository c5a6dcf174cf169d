// O1: client secret and token leakage on the OAuth endpoints. After registering clients (admin API
// and service), getting tokens with each method, failing with wrong secrets, introspecting and
// revoking: no client secret, client assertion or issued token appears in the logs (captured at
// level trace), in an error body, in the audit rows or in the database file; secrets are stored
// only as SHA-256.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { hashToken } from '../src/service/secrets.js';
import { bearer, json, openTestApp, signIn, type TestApp } from './helpers/http.js';
import {
  addClient,
  assertion,
  assertionParams,
  basic,
  postForm,
  type TestClient,
  type TokenResponse,
} from './helpers/oauth.js';

const ISSUER = 'https://auth.example.com';

describe('O1 client secret leakage', () => {
  let t: TestApp;
  const errors: LightMyRequestResponse[] = [];
  const secrets = new Set<string>();
  const tokens = new Set<string>();
  const assertions = new Set<string>();

  const track = (res: LightMyRequestResponse) => {
    if (res.statusCode >= 400) errors.push(res);
    if (res.statusCode === 200 && res.body.startsWith('{"access_token"')) {
      const body = json<TokenResponse>(res);
      tokens.add(body.access_token);
      if (body.refresh_token) tokens.add(body.refresh_token);
    }
    return res;
  };
  const form = async (url: string, params: Record<string, string>, headers: Record<string, string> = {}) =>
    track(await postForm(t.app, url, params, headers));
  const inject = async (options: InjectOptions) => track(await t.app.inject(options));

  before(async () => {
    t = await openTestApp({ captureLogs: true, config: { issuer: ISSUER } });
    const admin = await signIn(t, 'root@example.com', { roles: ['admin'] });
    const created = json<{ client_id: string; client_secret: string }>(
      await inject({
        method: 'POST',
        url: '/admin/clients',
        headers: bearer(admin.access_token),
        payload: { name: 'admin-made', scopes: ['a'] },
      }),
    );
    secrets.add(created.client_secret);
    const rotated = json<{ client_secret: string }>(
      await inject({
        method: 'POST',
        url: `/admin/clients/${created.client_id}/rotate-secret`,
        headers: bearer(admin.access_token),
      }),
    );
    secrets.add(rotated.client_secret);
    const basicClient: TestClient = { id: created.client_id, secret: rotated.client_secret };
    const postClient = await addClient(t.service, { authMethod: 'client_secret_post' });
    const keyed = await addClient(t.service, { authMethod: 'private_key_jwt' });
    secrets.add(postClient.secret!);

    const cc = { grant_type: 'client_credentials' };
    await form('/oauth/token', cc, { authorization: basic(basicClient.id, rotated.client_secret) });
    await form('/oauth/token', cc, { authorization: basic(basicClient.id, created.client_secret) }); // old secret
    await form('/oauth/token', { ...cc, client_id: postClient.id, client_secret: postClient.secret! });
    await form('/oauth/token', { ...cc, client_id: postClient.id, client_secret: `${postClient.secret}x` });
    // Two methods at once, the secret in both places.
    await form(
      '/oauth/token',
      { ...cc, client_id: postClient.id, client_secret: postClient.secret! },
      { authorization: basic(postClient.id, postClient.secret!) },
    );
    const jwt = assertion(keyed, ISSUER, t.clock.now());
    assertions.add(jwt);
    await form('/oauth/token', { ...cc, ...assertionParams(jwt) });
    await form('/oauth/token', { ...cc, ...assertionParams(jwt) }); // replayed
    const user = await signIn(t, 'ada@example.com');
    tokens.add(user.access_token).add(user.refresh_token);
    await form('/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: user.refresh_token,
      client_id: 'tessera',
    });
    await form('/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: user.refresh_token,
      client_id: 'nobody',
    });
    for (const token of [...tokens]) {
      await form(
        '/oauth/introspect',
        { token },
        { authorization: basic(basicClient.id, rotated.client_secret) },
      );
      await form('/oauth/introspect', { token }, { authorization: basic(basicClient.id, 'wrong secret') });
      await form('/oauth/revoke', { token }, { authorization: basic(basicClient.id, rotated.client_secret) });
    }
  });
  after(() => t.cleanup());

  const everything = () => [...secrets, ...tokens, ...assertions];

  it('exercised failures as well as successes', () => {
    assert.ok(errors.some((r) => r.statusCode === 401));
    assert.ok(errors.some((r) => r.statusCode === 400));
    assert.ok(tokens.size >= 5);
  });

  it('no secret, assertion or token in any log line', () => {
    const logs = t.logs?.text ?? '';
    assert.ok(logs.length > 0, 'logs were captured');
    for (const value of everything()) assert.ok(!logs.includes(value), 'a secret or token reached the logs');
  });

  it('no secret, assertion or token in any error body', () => {
    for (const res of errors) {
      for (const value of everything())
        assert.ok(!res.body.includes(value), `leaked in a ${res.statusCode} body`);
    }
  });

  it('no secret, hash of one, assertion or token in the audit rows', async () => {
    const rows = JSON.stringify(await t.store.audit.list({ limit: 500 }));
    for (const value of [...everything(), ...[...secrets].map(hashToken)]) {
      assert.ok(!rows.includes(value), 'leaked in the audit log');
    }
  });

  it('the database holds secrets only as SHA-256', async () => {
    await t.close();
    const file = (await readFile(t.filename)).toString('latin1');
    const wal = await readFile(`${t.filename}-wal`)
      .then((b) => b.toString('latin1'))
      .catch(() => '');
    for (const value of everything()) {
      assert.ok(
        !file.includes(value) && !wal.includes(value),
        'a secret or token is in the database in clear',
      );
    }
    assert.ok(
      [...secrets].some((s) => file.includes(hashToken(s)) || wal.includes(hashToken(s))),
      'the secret hashes are stored',
    );
  });
});
