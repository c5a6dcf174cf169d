// Bad input never gives a 500: every route that reads a JSON body gets wrong types, missing
// fields, huge strings, broken JSON, other top-level values and other content types, and must
// answer 400, 413 or 415 with { error, error_description }.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwtUnverified } from '@tessera/jwt';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { REFRESH_COOKIE } from '../src/http/browser.js';
import { bearer, errorBody, openTestApp, signIn, type TestApp, type TokenBody } from './helpers/http.js';
import { PASSWORD } from './helpers/service.js';

type FieldType = 'string' | 'boolean' | 'string[]';

interface BodyRoute {
  method: 'POST' | 'PATCH';
  url: string;
  fields: Record<string, FieldType>;
  required: string[];
  /** Whether a JSON `null` or `{}` body is valid for the route (then it is not sent as bad input). */
  emptyIsValid: boolean;
  headers: () => Record<string, string>;
}

const WRONG: Record<FieldType, unknown[]> = {
  string: [123, -1.5, true, null, [], ['a'], {}, { $ne: '' }],
  boolean: ['true', 1, 0, null, [], {}],
  'string[]': ['admin', 7, null, {}, [1], [null], [{}], [['a']], [''], Array(65).fill('a'), ['x'.repeat(65)]],
};

const HUGE = 'x'.repeat(100_000);
/** Longer than any field allows, shorter than the body limit of every route (8 KiB under /auth/). */
const LONG = 'x'.repeat(4000);

function validValue(type: FieldType): unknown {
  return type === 'boolean' ? true : type === 'string[]' ? ['user'] : 'a-valid-looking-value';
}

/** Bodies that are wrong for the route by construction. */
function badBodies(route: BodyRoute): { name: string; body: unknown; expect?: number }[] {
  const out: { name: string; body: unknown; expect?: number }[] = [];
  const full = Object.fromEntries(Object.entries(route.fields).map(([k, type]) => [k, validValue(type)]));
  for (const field of route.required) {
    const { [field]: _dropped, ...rest } = full;
    out.push({ name: `missing ${field}`, body: rest });
  }
  if (!route.emptyIsValid) out.push({ name: 'empty object', body: {} });
  for (const [field, type] of Object.entries(route.fields)) {
    for (const wrong of WRONG[type]) {
      out.push({
        name: `${field} = ${JSON.stringify(wrong).slice(0, 20)}`,
        body: { ...full, [field]: wrong },
      });
    }
    if (type === 'string') out.push({ name: `${field} long`, body: { ...full, [field]: LONG } });
    if (type === 'string[]') out.push({ name: `${field} long item`, body: { ...full, [field]: [LONG] } });
    // Past the body limit (H2 in docs/security.md): refused before it is read.
    if (type === 'string') out.push({ name: `${field} huge`, body: { ...full, [field]: HUGE }, expect: 413 });
    if (type === 'string[]')
      out.push({ name: `${field} huge item`, body: { ...full, [field]: [HUGE] }, expect: 413 });
  }
  for (const top of [[], [full], 'a string', 42, true, ...(route.emptyIsValid ? [] : [null])]) {
    out.push({ name: `top-level ${JSON.stringify(top).slice(0, 20)}`, body: top });
  }
  return out;
}

/** Raw payloads: broken JSON, prototype pollution, deep nesting, other content types, oversize. */
const RAW: { name: string; payload: string; contentType?: string; expect: number[] }[] = [
  { name: 'truncated JSON', payload: '{"email": "a@example.com", "password": ', expect: [400] },
  { name: 'single quote JSON', payload: "{'email': 'a'}", expect: [400] },
  { name: 'trailing garbage', payload: '{"email": "a@example.com"} x', expect: [400] },
  { name: 'bare word', payload: 'undefined', expect: [400] },
  { name: 'empty body', payload: '', expect: [400] },
  { name: 'NaN', payload: '{"email": NaN}', expect: [400] },
  { name: '__proto__', payload: '{"__proto__": {"admin": true}, "email": "a@example.com"}', expect: [400] },
  {
    name: 'constructor.prototype',
    payload: '{"constructor": {"prototype": {"admin": true}}, "email": "a@example.com"}',
    expect: [400],
  },
  // Nesting past the depth limit is a 400 before JSON.parse; past the body limit, a 413 (H2).
  { name: 'deeply nested arrays', payload: `${'['.repeat(3000)}${']'.repeat(3000)}`, expect: [400] },
  { name: 'deeply nested, unclosed', payload: '['.repeat(8000), expect: [400] },
  {
    name: 'nested object as field',
    payload: `{"email": ${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}}`,
    expect: [400],
  },
  { name: 'huge and deeply nested', payload: `${'['.repeat(50_000)}${']'.repeat(50_000)}`, expect: [413] },
  {
    name: 'invalid UTF-8',
    payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]).toString('latin1'),
    expect: [400],
  },
  {
    name: 'over 1 MB', // past every body limit
    payload: JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(1_100_000) }),
    expect: [413],
  },
  { name: 'text/plain', payload: '{"email":"a@example.com"}', contentType: 'text/plain', expect: [400, 415] },
  {
    name: 'form encoded',
    payload: 'email=a%40example.com&password=x',
    contentType: 'application/x-www-form-urlencoded',
    expect: [415],
  },
  {
    name: 'multipart',
    payload: '--x\r\n\r\n--x--',
    contentType: 'multipart/form-data; boundary=x',
    expect: [415],
  },
  { name: 'xml', payload: '<a/>', contentType: 'application/xml', expect: [415] },
  {
    name: 'json with utf-16 charset',
    payload: '{"email": 1}',
    contentType: 'application/json; charset=utf-16',
    expect: [400, 415],
  },
  { name: 'no content type', payload: '{"email":"a@example.com"}', contentType: '', expect: [400, 415] },
];

function assertClientError(res: LightMyRequestResponse, allowed: number[], label: string) {
  assert.ok(allowed.includes(res.statusCode), `${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  const body = errorBody(res);
  assert.ok(body.error.length > 0 && body.error_description.length > 0, label);
  assert.ok(body.error_description.length <= 200, `${label}: the description stays short`);
  assert.ok(!res.body.includes(HUGE.slice(0, 1000)), `${label}: input is not echoed`);
}

describe('fuzzing the JSON bodies of every route', () => {
  let t: TestApp;
  let user: TokenBody;
  let admin: TokenBody;
  let targetId: string;
  let routes: BodyRoute[];
  before(async () => {
    t = await openTestApp();
    user = await signIn(t, 'ada@example.com');
    admin = await signIn(t, 'root@example.com', { roles: ['admin'] });
    targetId = decodeJwtUnverified(user.access_token).payload.sub!;
    const none = () => ({});
    routes = [
      {
        method: 'POST',
        url: '/auth/register',
        fields: { email: 'string', password: 'string' },
        required: ['email', 'password'],
        emptyIsValid: false,
        headers: none,
      },
      {
        method: 'POST',
        url: '/auth/login',
        fields: { email: 'string', password: 'string' },
        required: ['email', 'password'],
        emptyIsValid: false,
        headers: none,
      },
      {
        method: 'POST',
        url: '/auth/refresh',
        fields: { refresh_token: 'string' },
        required: ['refresh_token'],
        emptyIsValid: false,
        headers: none,
      },
      {
        method: 'POST',
        url: '/auth/logout',
        fields: { refresh_token: 'string' },
        required: ['refresh_token'],
        emptyIsValid: false,
        headers: none,
      },
      {
        method: 'POST',
        url: '/auth/password',
        fields: { current_password: 'string', new_password: 'string' },
        required: ['current_password', 'new_password'],
        emptyIsValid: false,
        headers: () => bearer(user.access_token),
      },
      {
        method: 'PATCH',
        url: `/admin/users/${targetId}`,
        fields: { roles: 'string[]', permissions: 'string[]', blocked: 'boolean' },
        required: [],
        emptyIsValid: false,
        headers: () => bearer(admin.access_token),
      },
      {
        method: 'POST',
        url: '/admin/keys/rotate',
        fields: { immediate: 'boolean' },
        required: [],
        emptyIsValid: true,
        headers: () => bearer(admin.access_token),
      },
    ];
  });
  after(() => t.cleanup());

  it('wrong types, missing fields, huge strings and other top-level values: 400', async () => {
    let checked = 0;
    for (const route of routes) {
      for (const { name, body, expect } of badBodies(route)) {
        const res = await t.app.inject({
          method: route.method,
          url: route.url,
          headers: { ...route.headers(), 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        assertClientError(res, [expect ?? 400], `${route.method} ${route.url} ${name}`);
        checked++;
      }
    }
    assert.ok(checked > 100);
  });

  it('broken JSON, pollution, deep nesting, oversize and other content types: 400, 413 or 415', async () => {
    for (const route of routes) {
      // The payloads name `email`; each route gets them with its own first field instead.
      const field = Object.keys(route.fields)[0]!;
      for (const raw of RAW) {
        const headers: Record<string, string> = { ...route.headers() };
        if (raw.contentType !== '') headers['content-type'] = raw.contentType ?? 'application/json';
        const payload = raw.payload.replaceAll('"email"', `"${field}"`);
        const res = await t.app.inject({ method: route.method, url: route.url, headers, payload });
        assertClientError(res, raw.expect, `${route.method} ${route.url} ${raw.name}`);
      }
    }
  });

  it('routes without a body still refuse broken JSON with a 400', async () => {
    const bodiless: InjectOptions[] = [
      { method: 'POST', url: '/auth/logout-all', headers: bearer(user.access_token) },
      {
        method: 'POST',
        url: `/admin/users/${targetId}/revoke-sessions`,
        headers: bearer(admin.access_token),
      },
      { method: 'DELETE', url: `/auth/sessions/${user.session_id}`, headers: bearer(user.access_token) },
      { method: 'DELETE', url: '/demo/users/x', headers: bearer(admin.access_token) },
    ];
    for (const route of bodiless) {
      const res = await t.app.inject({
        ...route,
        headers: { ...route.headers, 'content-type': 'application/json' },
        payload: '{"broken": ',
      });
      assertClientError(res, [400], `${route.method} ${route.url}`);
    }
    // None of them ran.
    assert.equal(
      (await t.app.inject({ method: 'GET', url: '/demo/profile', headers: bearer(user.access_token) }))
        .statusCode,
      200,
    );
  });

  it('the state is untouched: no account, password, role or key changed', async () => {
    assert.equal(await t.store.users.count(), 2);
    const stored = await t.store.users.findById(targetId);
    assert.deepEqual(stored?.roles, ['user']);
    assert.equal(stored?.blocked, false);
    assert.equal(t.service.keys.list().length, 1);
    assert.equal(
      (
        await t.app.inject({
          method: 'POST',
          url: '/auth/login',
          payload: { email: 'ada@example.com', password: PASSWORD },
        })
      ).statusCode,
      200,
    );
  });

  it('junk in headers, paths and query strings: never a 500, and errors keep their shape', async () => {
    const requests: InjectOptions[] = [
      { method: 'GET', url: '/auth/me', headers: { authorization: 'Bearer' } },
      { method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${'a'.repeat(20_000)}` } },
      { method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${'a.'.repeat(5000)}a` } },
      { method: 'GET', url: '/auth/me', headers: { authorization: 'Basic YWRhOnB3' } },
      { method: 'GET', url: '/auth/me', headers: { authorization: 'Bearer a b c' } },
      { method: 'GET', url: '/auth/me', headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' } },
      { method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${user.access_token}x` } },
      { method: 'GET', url: '/auth/me', headers: { authorization: `bearer  ${user.refresh_token}` } },
      {
        method: 'POST',
        url: '/auth/refresh',
        headers: { cookie: `${REFRESH_COOKIE}=%E0%A4%A`, origin: 'null' },
      },
      {
        method: 'POST',
        url: '/auth/refresh',
        headers: { cookie: `${REFRESH_COOKIE}=${'a'.repeat(5000)}`, origin: t.config.issuer },
      },
      {
        method: 'POST',
        url: '/auth/refresh',
        headers: { cookie: `${REFRESH_COOKIE}=`, origin: t.config.issuer },
      },
      {
        method: 'POST',
        url: '/auth/logout',
        headers: { cookie: `${REFRESH_COOKIE}=x;${REFRESH_COOKIE}=y`, origin: 'https://evil.example' },
      },
      {
        method: 'POST',
        url: '/auth/login',
        headers: { 'x-tessera-client': 'browser'.repeat(1000) },
        payload: { email: 'a@example.com', password: PASSWORD },
      },
      { method: 'DELETE', url: `/auth/sessions/${'x'.repeat(100)}`, headers: bearer(user.access_token) },
      { method: 'DELETE', url: '/auth/sessions/%00%ff', headers: bearer(user.access_token) },
      {
        method: 'PATCH',
        url: `/admin/users/${'x'.repeat(100)}`,
        headers: bearer(admin.access_token),
        payload: { blocked: false },
      },
      { method: 'GET', url: '/auth/revocations?after[]=1' },
      { method: 'GET', url: '/auth/revocations?after=1&after=2' },
      { method: 'GET', url: `/auth/revocations?after=${'9'.repeat(400)}` },
      { method: 'GET', url: '/auth/revocations?limit=0' },
      { method: 'GET', url: '/admin/audit?before=abc', headers: bearer(admin.access_token) },
      { method: 'GET', url: `/admin/audit?type=${'t'.repeat(100)}`, headers: bearer(admin.access_token) },
      { method: 'GET', url: `/admin/users?after=${'e'.repeat(300)}`, headers: bearer(admin.access_token) },
      { method: 'GET', url: '/admin/users?limit=-5', headers: bearer(admin.access_token) },
      { method: 'GET', url: '/no/such/route' },
      { method: 'PUT', url: '/auth/login', payload: {} },
      { method: 'GET', url: '/auth/refresh' },
    ];
    for (const request of requests) {
      const res = await t.app.inject(request);
      const label = `${request.method} ${String(request.url).slice(0, 60)}`;
      // Some are harmless rather than wrong (`after[]` is an unknown parameter, limit=0 is clamped).
      assert.ok(res.statusCode < 500, `${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      if (res.statusCode >= 400) errorBody(res);
      else assert.match(label, /after\[\]|limit=0/);
    }
  });
});
