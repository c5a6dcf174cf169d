// The web console as the server serves it: the index (no-cache) and hashed assets (immutable)
// under a strict Content-Security-Policy, the registration policy handed to the page, and
// `console: false` leaving `/` a 404. The files here are stand-ins: packages/console's browser
// tests run the real build. Also the admin user search the console's Users page uses.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../src/http/app.js';
import { CONSOLE_CSP } from '../src/http/console.js';
import { createMetrics } from '../src/http/metrics.js';
import { bearer, json, openTestApp, signIn, type TestApp } from './helpers/http.js';

const INDEX =
  '<!doctype html><meta name="tessera-registration" content="%TESSERA_REGISTRATION%"><title>t</title>';

async function consoleDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-console-files-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), INDEX);
  await writeFile(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
  await writeFile(join(dir, 'assets', 'style-abc123.css'), 'body{}');
  return dir;
}

describe('the console, served at /', () => {
  let t: TestApp;
  let dir: string;
  before(async () => {
    t = await openTestApp({ config: { registration: 'closed' } });
    dir = await consoleDir();
  });
  after(async () => {
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const app = (consoleOn: boolean) =>
    buildApp({
      service: Object.assign(Object.create(t.service), {
        config: { ...t.service.config, console: consoleOn },
      }),
      metrics: createMetrics({ defaultMetrics: false }),
      logger: false,
      consoleDir: dir,
    });

  it('serves the index with no-cache, the CSP and the registration policy filled in', async () => {
    const a = await app(true);
    try {
      const res = await a.inject({ method: 'GET', url: '/' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.equal(res.headers['content-security-policy'], CONSOLE_CSP);
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.match(res.body, /content="closed"/);
      for (const part of [
        "default-src 'self'",
        "frame-ancestors 'none'",
        "script-src 'self'",
        "style-src 'self'",
      ]) {
        assert.ok(CONSOLE_CSP.includes(part), part);
      }
      assert.ok(!CONSOLE_CSP.includes('unsafe-inline') && !CONSOLE_CSP.includes('http'), CONSOLE_CSP);
    } finally {
      await a.close();
    }
  });

  it('serves hashed assets immutable, and 404s anything else', async () => {
    const a = await app(true);
    try {
      const js = await a.inject({ method: 'GET', url: '/assets/app-abc123.js' });
      assert.equal(js.statusCode, 200);
      assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.match(String(js.headers['content-type']), /^text\/javascript/);
      assert.equal(js.headers['content-security-policy'], CONSOLE_CSP);
      const css = await a.inject({ method: 'GET', url: '/assets/style-abc123.css' });
      assert.match(String(css.headers['content-type']), /^text\/css/);
      for (const url of ['/assets/nope.js', '/assets/..%2findex.html', '/index.html']) {
        assert.equal((await a.inject({ method: 'GET', url })).statusCode, 404, url);
      }
    } finally {
      await a.close();
    }
  });

  it('console: false: / is a 404 and no asset is served', async () => {
    const a = await app(false);
    try {
      assert.equal((await a.inject({ method: 'GET', url: '/' })).statusCode, 404);
      assert.equal((await a.inject({ method: 'GET', url: '/assets/app-abc123.js' })).statusCode, 404);
    } finally {
      await a.close();
    }
  });

  it('without built files, / is a 404 and the server still starts', async () => {
    const a = await buildApp({
      service: t.service,
      metrics: createMetrics({ defaultMetrics: false }),
      logger: false,
      consoleDir: join(dir, 'missing'),
    });
    try {
      assert.equal((await a.inject({ method: 'GET', url: '/' })).statusCode, 404);
    } finally {
      await a.close();
    }
  });
});

describe('GET /admin/users?q=: the console’s user search', () => {
  let t: TestApp;
  let token: string;
  before(async () => {
    t = await openTestApp();
    token = (await signIn(t, 'root@example.com', { roles: ['admin'] })).access_token;
    for (const email of ['ada@example.com', 'ada.l@example.org', 'adam@example.com', 'bob@example.com']) {
      await signIn(t, email);
    }
  });
  after(() => t.cleanup());

  const search = async (q: string) =>
    json<{ users: { id: string; email: string }[]; next: null }>(
      await t.app.inject({
        method: 'GET',
        url: `/admin/users?${new URLSearchParams({ q })}`,
        headers: bearer(token),
      }),
    );

  it('finds the accounts whose email starts with the query, case-insensitively, by email', async () => {
    assert.deepEqual(
      (await search('ADA')).users.map((u) => u.email),
      ['ada.l@example.org', 'ada@example.com', 'adam@example.com'],
    );
    assert.deepEqual(
      (await search('ada@example.com')).users.map((u) => u.email),
      ['ada@example.com'],
    );
    assert.deepEqual((await search('zed')).users, []);
  });

  it('finds an account by its id', async () => {
    const bob = (await search('bob')).users[0]!;
    assert.deepEqual(
      (await search(bob.id)).users.map((u) => u.email),
      ['bob@example.com'],
    );
  });
});
