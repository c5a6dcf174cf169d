// `tessera keys rotate --now` while `tessera serve` runs: the server loads the new key on its own
// (it reloads keys every ~10 s), new tokens carry the new kid, and the JWKS publishes both keys.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwtUnverified } from '@tessera/jwt';
import { assertBuilt, makeWorkspace, runCli } from './helpers/e2e-cli.js';
import { call, eventually, killAllServers, type RunningServer, startServer } from './helpers/e2e-server.js';

const ISSUER = 'http://tessera.e2e.test';
const PASSWORD = 'correct horse battery staple';
const GENEROUS = { max: 10_000, windowMs: 60_000 };

const kidOf = (token: string) => decodeJwtUnverified(token).header.kid;

describe('key rotation against a running server', () => {
  let ws: Awaited<ReturnType<typeof makeWorkspace>>;
  let server: RunningServer;
  const api = (method: string, path: string, opts?: { token?: string; body?: unknown }) =>
    call(server.url, method, path, opts);
  const jwksKids = async () =>
    ((await api('GET', '/.well-known/jwks.json')).body as { keys: { kid: string }[] }).keys.map((k) => k.kid);
  const verifyWithCli = (token: string) =>
    runCli([
      'token',
      'verify',
      token,
      '--jwks-url',
      `${server.url}/.well-known/jwks.json`,
      '--alg',
      'EdDSA',
      '--issuer',
      ISSUER,
      '--audience',
      'tessera',
      '--typ',
      'at+jwt',
    ]);

  let oldKid: string | undefined;
  let oldAccess = '';
  let refreshToken = '';
  let newKid = '';
  let newAccess = '';

  before(async () => {
    assertBuilt();
    ws = await makeWorkspace({
      issuer: ISSUER,
      rateLimits: {
        loginPerIp: GENEROUS,
        loginPerEmail: GENEROUS,
        registerPerIp: GENEROUS,
        refreshPerIp: GENEROUS,
      },
    });
    server = await startServer(ws.storeArgs);
    const body = { email: 'kim@example.com', password: PASSWORD };
    assert.equal((await api('POST', '/auth/register', { body })).status, 201);
    const login = await api('POST', '/auth/login', { body });
    assert.equal(login.status, 200);
    oldAccess = login.body.access_token;
    refreshToken = login.body.refresh_token;
    oldKid = kidOf(oldAccess);
  });
  after(async () => {
    await killAllServers();
    await ws.remove();
  });

  it('starts with one published key, the one that signs', async () => {
    assert.ok(oldKid);
    assert.deepEqual(await jwksKids(), [oldKid]);
  });

  it('after `keys rotate --now`, new tokens carry the new kid and the JWKS lists both keys', async () => {
    const rotate = await runCli(['keys', 'rotate', '--now', ...ws.storeArgs]);
    assert.equal(rotate.code, 0, rotate.stderr);
    newKid = /new key (\S+) /.exec(rotate.stdout)?.[1] ?? '';
    assert.ok(newKid !== '' && newKid !== oldKid, rotate.stdout);

    newAccess = await eventually('a token signed with the new key', async () => {
      const r = await api('POST', '/auth/refresh', { body: { refresh_token: refreshToken } });
      assert.equal(r.status, 200);
      refreshToken = r.body.refresh_token;
      return kidOf(r.body.access_token) === newKid ? (r.body.access_token as string) : undefined;
    });
    await eventually('both keys in the JWKS', async () => {
      const kids = await jwksKids();
      return kids.includes(newKid) && kids.includes(oldKid as string) ? kids : undefined;
    });
    const login = await api('POST', '/auth/login', {
      body: { email: 'kim@example.com', password: PASSWORD },
    });
    assert.equal(kidOf(login.body.access_token), newKid);
  });

  it('tokens of the old key and of the new key are both accepted', async () => {
    assert.equal((await api('GET', '/demo/profile', { token: oldAccess })).status, 200);
    assert.equal((await api('GET', '/demo/profile', { token: newAccess })).status, 200);
    for (const token of [oldAccess, newAccess]) {
      const r = await verifyWithCli(token);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^VALID: /);
    }
  });

  it('`keys list` shows the new key active and the old one retired', async () => {
    const r = await runCli(['keys', 'list', '--json', ...ws.storeArgs]);
    const rows = JSON.parse(r.stdout) as { kid: string; state: string }[];
    assert.deepEqual(
      rows.map((k) => [k.kid, k.state]),
      [
        [oldKid, 'retired'],
        [newKid, 'active'],
      ],
    );
  });
});
