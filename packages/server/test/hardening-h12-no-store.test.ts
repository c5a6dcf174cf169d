// Hardening H12 (docs/security.md): responses that carry personal data or tokens must not be
// cached. Found against `tessera serve`: /auth/me and /auth/sessions had no Cache-Control, so a
// shared cache or the browser's back button could replay one user's data. Every route the app
// registers is called here (read from the router, so a route added later is covered) and must
// answer `Cache-Control: no-store`, except the public /.well-known/ documents.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HTTPMethods } from 'fastify';
import { bearer, openTestApp, signIn, type TestApp } from './helpers/http.js';
import { PASSWORD } from './helpers/service.js';

/** Every method and path of `app.printRoutes({ commonPrefix: false })`, parameters as `:name`. */
function routesOf(printed: string): { method: HTTPMethods; url: string }[] {
  const out: { method: HTTPMethods; url: string }[] = [];
  const stack: string[] = [];
  for (const line of printed.split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (match === null) continue;
    const depth = (match[1] as string).length / 4;
    stack.length = depth;
    stack.push(match[2] as string);
    for (const method of match[3]?.split(', ') ?? [])
      out.push({ method: method as HTTPMethods, url: stack.join('') });
  }
  return out;
}

/** Bodies that succeed where the route needs one; `{}` elsewhere. */
const BODIES: Record<string, unknown> = {
  'POST /auth/register': { email: 'new@example.com', password: PASSWORD },
  'POST /auth/login': { email: 'ada@example.com', password: PASSWORD },
};

describe('H12 Cache-Control: no-store on personal data', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp();
    await signIn(t, 'ada@example.com');
  });
  after(() => t.cleanup());

  it('every route answers no-store (reads with a 200), except /.well-known/* and the console at /', async () => {
    await t.app.ready();
    const routes = routesOf(t.app.printRoutes({ commonPrefix: false }));
    const names = routes.map((r) => `${r.method} ${r.url}`);
    for (const expected of [
      'GET /auth/me',
      'GET /auth/sessions',
      'GET /admin/users',
      'DELETE /auth/sessions/:id',
    ]) {
      assert.ok(names.includes(expected), `${expected} is among the routes read (${names.join(', ')})`);
    }
    // Reads first, while the first token is alive; then the writes, each with a fresh login.
    routes.sort(
      (a, b) =>
        Number(a.method !== 'GET' && a.method !== 'HEAD') - Number(b.method !== 'GET' && b.method !== 'HEAD'),
    );
    const ada = (await t.store.users.findByEmail('ada@example.com'))!.id;
    let admin = await signIn(t, 'root@example.com', { roles: ['admin'] });
    const ok: string[] = [];
    for (const { method, url } of routes) {
      if (method !== 'GET' && method !== 'HEAD')
        admin = await signIn(t, 'root@example.com', { roles: ['admin'] });
      const path = url
        .replace('/auth/sessions/:id', `/auth/sessions/${admin.session_id}`)
        .replace(/:id\b/, ada);
      const body = BODIES[`${method} ${url}`] ?? (method === 'POST' || method === 'PATCH' ? {} : undefined);
      // The revocation stream never ends by itself: read its headers, then let go of it.
      const stream = url === '/auth/revocations/stream';
      const res = await t.app.inject({
        method,
        url: path,
        headers: bearer(admin.access_token),
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
        ...(stream ? { payloadAsStream: true } : {}),
      });
      if (stream) res.stream().destroy();
      const label = `${method} ${url} (${res.statusCode})`;
      if (url.startsWith('/.well-known/')) {
        assert.match(String(res.headers['cache-control']), /^public, max-age=\d+$/, label);
      } else if (url === '/') {
        // The console's index (no personal data: the page fetches it with the token): revalidated.
        assert.equal(res.headers['cache-control'], 'no-cache', label);
      } else {
        assert.equal(res.headers['cache-control'], 'no-store', label);
      }
      if (res.statusCode < 300) ok.push(`${method} ${url}`);
    }
    for (const read of [
      'GET /auth/me',
      'GET /auth/sessions',
      'GET /admin/users',
      'GET /admin/users/:id',
      'GET /admin/audit',
    ]) {
      if (names.includes(read)) assert.ok(ok.includes(read), `${read} was checked on a success`);
    }
  });

  it('a route added later is covered too', async () => {
    const t2 = await openTestApp();
    after(() => t2.cleanup());
    t2.app.get('/auth/added-later', async () => ({ email: 'ada@example.com' }));
    const res = await t2.app.inject({ method: 'GET', url: '/auth/added-later' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
  });
});
