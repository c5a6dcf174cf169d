// Hardening H2 (docs/security.md): huge and deeply nested JSON must cost next to nothing before
// authentication. Found against `tessera serve`: a 976 KiB body nested 500,000 levels took
// ~0.4 s of main-thread time in JSON.parse, and four in parallel to /auth/logout stalled
// /healthz for 1.5 s. Now bodies under /auth/ are capped at 8 KiB (checked against
// Content-Length before a byte is read), elsewhere at 64 KiB, and nesting past 32 levels is a
// 400 found by a scan that stops at level 33, before JSON.parse runs.
import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import type { InjectOptions } from 'fastify';
import { AUTH_BODY_LIMIT, BODY_LIMIT, jsonDeeperThan, MAX_JSON_DEPTH } from '../src/http/parse-json.js';
import { bearer, errorBody, openTestApp, signIn, type TestApp, type TokenBody } from './helpers/http.js';

/** The finding's body: 500,000 levels, 976 KiB. */
const FINDING = `${'['.repeat(500_000)}${']'.repeat(500_000)}`;
/** A bound on the server's CPU time per refused request; the parse alone took ~400 ms. */
const CPU_BOUND_MS = 50;

describe('H2 deep and huge JSON', () => {
  let t: TestApp;
  let admin: TokenBody;
  before(async () => {
    t = await openTestApp();
    admin = await signIn(t, 'root@example.com', { roles: ['admin'] });
  });
  after(() => t.cleanup());

  /**
   * Sends the request with JSON.parse watched: returns the response, the CPU time the process
   * spent meanwhile and the longest string JSON.parse was given.
   */
  async function watched(options: InjectOptions) {
    await t.app.ready();
    const parse = mock.method(JSON, 'parse');
    try {
      const cpu = process.cpuUsage();
      const res = await t.app.inject(options);
      const used = process.cpuUsage(cpu);
      const parsed = parse.mock.calls.map((call) => String(call.arguments[0]).length);
      return { res, cpuMs: (used.user + used.system) / 1000, longestParsed: Math.max(0, ...parsed) };
    } finally {
      parse.mock.restore();
    }
  }

  for (const url of ['/auth/logout', '/auth/login']) {
    it(`the finding's 976 KiB, 500,000-level body to ${url}: 413, never parsed, well under ${CPU_BOUND_MS} ms of CPU`, async () => {
      assert.equal(FINDING.length, 1_000_000);
      // Warm-up (first-request compilation is not what is measured): a small oversized body.
      await t.app.inject({ method: 'POST', url, payload: { pad: 'x'.repeat(AUTH_BODY_LIMIT) } });
      const { res, cpuMs, longestParsed } = await watched({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: FINDING,
      });
      assert.equal(res.statusCode, 413);
      assert.deepEqual(errorBody(res), {
        error: 'invalid_request',
        error_description: 'the body is too large',
      });
      assert.ok(longestParsed < 1000, `JSON.parse was given ${longestParsed} characters`);
      assert.ok(cpuMs < CPU_BOUND_MS, `${cpuMs.toFixed(1)} ms of CPU`);
    });
  }

  it('within the size limit, nesting past 32 levels is a 400 before JSON.parse (auth and admin routes)', async () => {
    const underAuthLimit = `${'['.repeat(4000)}${']'.repeat(4000)}`;
    const underAdminLimit = `{"roles":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
    assert.ok(underAuthLimit.length < AUTH_BODY_LIMIT && underAdminLimit.length < BODY_LIMIT);
    const me = (await t.store.users.findByEmail('root@example.com'))!.id;
    for (const [method, url, payload, headers] of [
      ['POST', '/auth/logout', underAuthLimit, {}],
      ['POST', '/auth/login', `{"email":${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}}`, {}],
      ['PATCH', `/admin/users/${me}`, underAdminLimit, bearer(admin.access_token)],
    ] as const) {
      const { res, cpuMs, longestParsed } = await watched({
        method,
        url,
        headers: { ...headers, 'content-type': 'application/json' },
        payload,
      });
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.deepEqual(errorBody(res), {
        error: 'invalid_request',
        error_description: 'the body is nested too deeply',
      });
      assert.ok(longestParsed < 1000, `${url}: JSON.parse was given ${longestParsed} characters`);
      assert.ok(cpuMs < CPU_BOUND_MS, `${url}: ${cpuMs.toFixed(1)} ms of CPU`);
    }
  });

  it('ordinary bodies still parse: brackets inside strings do not count, 32 levels are fine', async () => {
    const password = `${'['.repeat(100)}"\\"{{{{`;
    const login = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: 'nobody@example.com', password },
    });
    assert.equal(errorBody(login).error, 'invalid_grant', 'parsed, then refused as a wrong password');
    const deepest = `{"refresh_token":"x","n":${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}}`;
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      headers: { 'content-type': 'application/json' },
      payload: deepest,
    });
    assert.notEqual(errorBody(res).error_description, 'the body is nested too deeply');
  });

  it('prototype poisoning is still refused by the parser', async () => {
    for (const payload of [
      '{"__proto__": {"admin": true}, "email": "a@example.com", "password": "long enough password"}',
      '{"constructor": {"prototype": {"admin": true}}, "email": "a@example.com", "password": "x"}',
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/auth/login',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      assert.equal(res.statusCode, 400);
      assert.equal(errorBody(res).error, 'invalid_request');
    }
  });
});

describe('jsonDeeperThan', () => {
  it('counts arrays and objects, not brackets in strings or after escapes', () => {
    assert.equal(jsonDeeperThan('[[1]]', 2), false);
    assert.equal(jsonDeeperThan('[[[1]]]', 2), true);
    assert.equal(jsonDeeperThan('{"a":{"b":[1]}}', 2), true);
    assert.equal(jsonDeeperThan('{"a":"[[[[[[{{{{"}', 1), false);
    assert.equal(jsonDeeperThan('["\\"[[[[", "\\\\", [1]]', 2), false);
    assert.equal(jsonDeeperThan('["\\\\"[[[', 2), true, 'an escaped backslash ends before the quote');
    assert.equal(jsonDeeperThan('[]'.repeat(1000), 1), false, 'siblings are not depth');
  });

  it('stops at the first level too deep: the rest of the text is never read', () => {
    let reads = 0;
    const text = new Proxy(new String('['.repeat(1_000_000)), {
      get(target, name) {
        if (name === 'charCodeAt') {
          return (i: number) => {
            reads++;
            return target.charCodeAt(i);
          };
        }
        const value = Reflect.get(target, name);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as unknown as string;
    assert.equal(jsonDeeperThan(text, MAX_JSON_DEPTH), true);
    assert.equal(reads, MAX_JSON_DEPTH + 1);
  });
});
