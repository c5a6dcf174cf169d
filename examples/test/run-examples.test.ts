// Every README example, run for real: the guard apps against a live `tessera serve` (200 with a
// token, 401 without, 403 without the role), the @tessera/jwt scripts, and the curl flows.
// The READMEs show these very files: readme-sync.test.ts checks that.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type AuthServer,
  call,
  type ExampleApp,
  REPO_ROOT,
  run,
  runExample,
  runFlow,
  startAuthServer,
  startExample,
} from './support.js';

/** The curl flows need curl and jq (.ci/run installs them): without CI, a missing one skips them. */
const missingTools = ['curl', 'jq'].filter((tool) => spawnSync(tool, ['--version']).error !== undefined);
const flowSkip =
  missingTools.length > 0 && process.env.CI !== 'true'
    ? `needs ${missingTools.join(' and ')}: apt-get install -y ${missingTools.join(' ')} (with CI=true, a failure)`
    : false;

const ADMIN = { email: 'admin@example.com', password: 'vintage lantern orbit 42' }; // as in the READMEs
const USER = { email: 'user@example.com', password: 'quiet harbour maple 17' };

const servers: AuthServer[] = [];
async function authServer(): Promise<AuthServer> {
  const server = await startAuthServer({ admin: ADMIN });
  servers.push(server);
  return server;
}
after(async () => {
  for (const server of servers) await server.stop();
});

async function login(server: AuthServer, who: { email: string; password: string }): Promise<string> {
  const res = await call(`${server.url}/auth/login`, { method: 'POST', body: who });
  assert.equal(res.status, 200, res.text);
  return (res.body as { access_token: string }).access_token;
}

/** Starts an example app, hands it to `check`, and stops it whatever happens. */
async function withApp(file: string, env: NodeJS.ProcessEnv, check: (app: ExampleApp) => Promise<void>) {
  const app = await startExample(file, env);
  try {
    await check(app);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}\n--- its output:\n${app.output()}`, { cause: err });
  } finally {
    await app.stop();
  }
}

describe('guard examples against a live auth server', () => {
  let server: AuthServer;
  let userId = '';
  let user = '';
  let admin = '';
  let env: NodeJS.ProcessEnv = {};
  before(async () => {
    server = await authServer();
    const registered = await call(`${server.url}/auth/register`, { method: 'POST', body: USER });
    assert.equal(registered.status, 201, registered.text);
    userId = (registered.body as { id: string }).id;
    user = await login(server, USER);
    admin = await login(server, ADMIN);
    env = { TESSERA_ISSUER: server.url };
  });

  const refusedWithout = async (url: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await call(url, init);
    assert.equal(res.status, 401, `without a token: ${res.text}`);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer realm="tessera"/);
  };

  test('Express: requireAuth, authOf and requireRole', async () => {
    await withApp('guard-express.ts', env, async ({ url }) => {
      const profile = await call(`${url}/profile`, { token: user });
      assert.equal(profile.status, 200, profile.text);
      assert.deepEqual(profile.body, { user: userId, roles: ['user'] });
      await refusedWithout(`${url}/profile`);
      assert.equal((await call(`${url}/users/42`, { method: 'DELETE', token: user })).status, 403);
      assert.equal((await call(`${url}/users/42`, { method: 'DELETE', token: admin })).status, 204);
    });
  });

  test('Fastify: the plugin, config.auth roles and a public route', async () => {
    await withApp('guard-fastify.ts', env, async ({ url }) => {
      const profile = await call(`${url}/profile`, { token: user });
      assert.equal(profile.status, 200, profile.text);
      assert.deepEqual(profile.body, { user: userId, roles: ['user'] });
      await refusedWithout(`${url}/profile`);
      assert.equal((await call(`${url}/users/42`, { method: 'DELETE', token: user })).status, 403);
      assert.equal((await call(`${url}/users/42`, { method: 'DELETE', token: admin })).status, 204);
      assert.equal((await call(`${url}/healthz`)).text, 'ok');
    });
  });

  test('Hono: guardMiddleware on /api/* and with roles', async () => {
    await withApp('guard-hono.ts', env, async ({ url }) => {
      const profile = await call(`${url}/api/profile`, { token: user });
      assert.equal(profile.status, 200, profile.text);
      assert.deepEqual(profile.body, { user: userId, roles: ['user'] });
      await refusedWithout(`${url}/api/profile`);
      assert.equal((await call(`${url}/api/users/42`, { method: 'DELETE', token: user })).status, 403);
      assert.equal((await call(`${url}/api/users/42`, { method: 'DELETE', token: admin })).status, 204);
    });
  });

  test('node:http: withAuth and the explicit form', async () => {
    await withApp('guard-node.ts', env, async ({ url }) => {
      const profile = await call(`${url}/profile`, { token: user });
      assert.equal(profile.status, 200, profile.text);
      assert.deepEqual(profile.body, { user: userId, roles: ['user'] });
      await refusedWithout(`${url}/profile`);
      assert.equal((await call(`${url}/admin`, { token: user })).status, 403);
      await refusedWithout(`${url}/admin`);
      const hello = await call(`${url}/admin`, { token: admin });
      assert.equal(hello.status, 200, hello.text);
      assert.match(hello.text, /^hello \S+$/);
    });
  });

  test('scopes: a service token (client_credentials) runs a job; a user token lacks the scope', async () => {
    const created = await call(`${server.url}/admin/clients`, {
      method: 'POST',
      token: admin,
      body: { name: 'scheduler', scopes: ['jobs:run'], token_endpoint_auth_method: 'client_secret_post' },
    });
    assert.equal(created.status, 201, created.text);
    const { client_id, client_secret } = created.body as { client_id: string; client_secret: string };
    const grant = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id, client_secret }),
    });
    assert.equal(grant.status, 200);
    const service = ((await grant.json()) as { access_token: string }).access_token;
    await withApp('guard-scopes.ts', env, async ({ url }) => {
      const job = await call(`${url}/jobs`, { method: 'POST', token: service });
      assert.equal(job.status, 200, job.text);
      assert.deepEqual(job.body, { startedBy: client_id, service: true });
      assert.equal((await call(`${url}/jobs`, { method: 'POST', token: user })).status, 403);
      await refusedWithout(`${url}/jobs`, { method: 'POST' });
    });
  });

  test('DPoP: a service gets a DPoP-bound token and calls the guarded API with proofs', async () => {
    const created = await call(`${server.url}/admin/clients`, {
      method: 'POST',
      token: admin,
      body: { name: 'dpop-service', scopes: [], token_endpoint_auth_method: 'client_secret_basic' },
    });
    assert.equal(created.status, 201, created.text);
    const { client_id, client_secret } = created.body as { client_id: string; client_secret: string };
    await withApp('guard-dpop.ts', env, async ({ url }) => {
      const result = await runExample('oauth-dpop.ts', {
        ...env,
        CLIENT_ID: client_id,
        CLIENT_SECRET: client_secret,
        API_URL: url,
      });
      assert.equal(result.code, 0, result.stderr);
      const [first = '', second = ''] = result.stdout.trim().split('\n');
      assert.match(
        first,
        new RegExp(`^DPoP 200 \\{"subject":"${client_id}","dpopJkt":"[A-Za-z0-9_-]{43}"\\}$`),
      );
      assert.equal(second, 'as Bearer 401');
      // A Bearer token still works beside the DPoP ones.
      const profile = await call(`${url}/whoami`, { token: user });
      assert.equal(profile.status, 200, profile.text);
      assert.deepEqual(profile.body, { subject: userId, dpopJkt: null });
    });
  });

  test('Passport: TesseraStrategy as the jwt strategy', async () => {
    await withApp('guard-passport.ts', env, async ({ url }) => {
      const profile = await call(`${url}/profile`, { token: user });
      assert.equal(profile.status, 200, profile.text);
      assert.deepEqual(profile.body, { id: userId, roles: ['user'] });
      await refusedWithout(`${url}/profile`);
    });
  });

  test('Apollo Server: the context function authenticates each operation', async () => {
    await withApp('guard-apollo.ts', env, async ({ url }) => {
      const me = await call(url, { method: 'POST', token: user, body: { query: '{ me }' } });
      assert.equal(me.status, 200, me.text);
      assert.deepEqual(me.body, { data: { me: userId } });
      await refusedWithout(url, { method: 'POST', body: { query: '{ me }' } });
    });
  });

  test('the "try it" flow of the guard README, with npx tessera users add', { skip: flowSkip }, async () => {
    await withApp('guard-express.ts', env, async (app) => {
      const flow = await runFlow('guard-express-try.sh', {
        API: server.url,
        APP: app.url,
        TESSERA_DATA_DIR: server.dataDir,
        TESSERA_CONFIG: join(server.dataDir, 'config.json'),
      });
      assert.equal(flow.code, 0, flow.stderr);
      assert.deepEqual(
        flow.calls.map((c) => `${c.status} ${c.method} ${c.path}`),
        ['200 POST /auth/login', '200 GET /profile', '401 GET /profile'],
      );
      assert.match(flow.stdout, /"roles":\["admin"\]/);
    });
  });

  test('@tessera/jwt: the remote key set verifies the server’s access token', async () => {
    const result = await runExample('jwt-key-sets.ts', { ...env, ACCESS: user });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), `1 ${userId}`);
  });

  test('the browser flow: refresh token in the HttpOnly cookie', async () => {
    const result = await runExample('server-browser.ts', {
      ...env,
      EMAIL: USER.email,
      PASSWORD: USER.password,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), '200 200 string');
  });

  test('the options example builds a guard', async () => {
    const result = await runExample('guard-options.ts');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'true');
  });

  test('the many-instances guard example builds a guard that starts on the stream', async () => {
    const result = await runExample('guard-many-instances.ts');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'poll'); // until the stream has caught up
  });
});

describe('@tessera/jwt examples', () => {
  const scripts: Array<[string, RegExp]> = [
    ['jwt-sign-verify.ts', /^user-123 admin$/],
    ['jwt-keys.ts', /^HS256 secret, EdDSA public, RS256 public, HS256 secret$/],
    ['jwt-signing.ts', /^3$/],
    ['jwt-verifying.ts', /^ES256 user-123$/],
    ['jwt-jws.ts', /^HS256 any bytes or text$/],
    ['jwt-decode.ts', /^EdDSA user-123$/],
    ['jwt-dpop.ts', /^true ERR_DPOP_REPLAY$/],
    ['jwt-errors.ts', /^expired: refresh$/],
  ];
  for (const [file, expected] of scripts) {
    test(file, async () => {
      const result = await runExample(file);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout.trim(), expected);
    });
  }

  test('jwt-express.ts: the jsonwebtoken-shaped app', async () => {
    await withApp('jwt-express.ts', { JWT_SECRET: 'f'.repeat(64) }, async ({ url }) => {
      const login = await call(`${url}/login`, { method: 'POST', body: {} });
      assert.equal(login.status, 200, login.text);
      const { token } = login.body as { token: string };
      assert.deepEqual((await call(`${url}/profile`, { token })).body, { user: '123', role: 'admin' });
      assert.equal((await call(`${url}/profile`)).status, 401);
      assert.equal((await call(`${url}/profile`, { token: `${token}x` })).status, 401);
    });
  });
});

describe('the curl flows', { skip: flowSkip }, () => {
  test('README.md: log in, call, rotate, log out', async () => {
    const server = await authServer();
    const flow = await runFlow('flow.sh', { API: server.url });
    assert.equal(flow.code, 0, flow.stderr);
    assert.deepEqual(
      flow.calls.map((c) => `${c.status} ${c.method} ${c.path}`),
      [
        '201 POST /auth/register',
        '200 POST /auth/login',
        '200 GET /demo/profile',
        '200 POST /auth/refresh',
        '204 POST /auth/logout',
        '200 GET /auth/revocations',
      ],
    );
    assert.match(flow.stdout, /"revoked":\[\{"sid":/);
  });

  test('packages/server/README.md: tokens for a service, by every client authentication', async () => {
    const server = await authServer();
    const flow = await runFlow('oauth-service.sh', { API: server.url });
    assert.equal(flow.code, 0, flow.stderr);
    assert.deepEqual(
      flow.calls.map((c) => `${c.status} ${c.method} ${c.path}`),
      [
        '200 POST /auth/login',
        '201 POST /admin/clients',
        '201 POST /admin/clients',
        '201 POST /admin/clients',
        '201 POST /admin/clients',
        '200 POST /oauth/token',
        '200 POST /oauth/token',
        '200 POST /oauth/token',
        '200 POST /oauth/introspect',
        '200 POST /oauth/revoke',
      ],
    );
    assert.match(flow.stdout, /"active":true/);
  });

  test('packages/server/README.md: a user refresh token at the OAuth endpoints', async () => {
    const server = await authServer();
    const flow = await runFlow('oauth-first-party.sh', { API: server.url });
    assert.equal(flow.code, 0, flow.stderr);
    assert.deepEqual(
      flow.calls.map((c) => `${c.status} ${c.method} ${c.path}`),
      ['201 POST /auth/register', '200 POST /auth/login', '200 POST /oauth/token', '200 POST /oauth/revoke'],
    );
  });

  test('packages/server/README.md: every route of the flows', async () => {
    const server = await authServer();
    const flow = await runFlow('server-flows.sh', { API: server.url });
    assert.equal(flow.code, 0, flow.stderr);
    assert.deepEqual(
      flow.calls.map(
        (c) =>
          `${c.status} ${c.method} ${c.path.replace(/(\/admin\/users|\/auth\/sessions)\/[^/]+/, '$1/:id')}`,
      ),
      [
        '201 POST /auth/register',
        '200 POST /auth/login',
        '200 GET /auth/me',
        '200 POST /auth/refresh',
        '200 GET /demo/profile',
        '403 DELETE /demo/users/42',
        '204 POST /auth/password',
        '200 POST /auth/refresh',
        '200 POST /auth/login',
        '200 GET /auth/sessions',
        '204 DELETE /auth/sessions/:id',
        '200 GET /.well-known/jwks.json',
        '200 GET /.well-known/oauth-authorization-server',
        '200 GET /auth/revocations',
        '204 POST /auth/logout',
        '200 POST /auth/login',
        '204 POST /auth/logout-all',
        '200 POST /auth/login',
        '200 GET /admin/users',
        '201 POST /admin/users',
        '200 GET /admin/users/:id',
        '200 PATCH /admin/users/:id',
        '200 PATCH /admin/users/:id',
        '204 PUT /admin/users/:id/password',
        '204 POST /admin/users/:id/revoke-sessions',
        '204 DELETE /admin/users/:id',
        '200 GET /admin/audit',
        '200 POST /admin/keys/rotate',
        '200 GET /healthz',
      ],
    );
  });
});

test('npx tessera runs the CLI in the repository (the bin is linked by npm ci)', async () => {
  const result = await run('npx', ['--no-install', 'tessera', '--help'], {}, { cwd: REPO_ROOT });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Usage: tessera /m);
});
