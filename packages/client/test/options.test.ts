import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ClientOptions, createClient, TesseraClientError } from '../src/index.js';
import { MemoryStorage } from './support/fake-server.js';

const fetch = async () => new Response(null);

const refused = (options: unknown, code: string, message: RegExp) =>
  assert.throws(
    () => createClient(options as ClientOptions),
    (err: unknown) => err instanceof TesseraClientError && err.code === code && message.test(err.message),
  );

test('createClient checks its options at once, with coded errors', () => {
  refused(undefined, 'ERR_CLIENT_INVALID_OPTIONS', /baseUrl/);
  refused({ mode: 'token', fetch }, 'ERR_CLIENT_INVALID_OPTIONS', /baseUrl/);
  refused({ baseUrl: 'ftp://x', mode: 'token', fetch }, 'ERR_CLIENT_INVALID_OPTIONS', /baseUrl/);
  refused({ baseUrl: '/auth', mode: 'token', fetch }, 'ERR_CLIENT_INVALID_OPTIONS', /baseUrl/);
  refused({ baseUrl: 'https://a.test', mode: 'cookie', fetch }, 'ERR_CLIENT_INVALID_OPTIONS', /mode/);
  refused(
    { baseUrl: 'https://a.test', mode: 'browser', storage: new MemoryStorage(), fetch },
    'ERR_CLIENT_INVALID_OPTIONS',
    /HttpOnly cookie/,
  );
  refused(
    { baseUrl: 'https://a.test', mode: 'token', storage: {}, fetch },
    'ERR_CLIENT_INVALID_OPTIONS',
    /never localStorage/,
  );
});

test('localStorage (or sessionStorage) is refused as storage', () => {
  const fakeLocalStorage = { getItem() {}, setItem() {}, removeItem() {} };
  const g = globalThis as { localStorage?: unknown };
  g.localStorage = fakeLocalStorage;
  try {
    refused(
      { baseUrl: 'https://a.test', mode: 'token', storage: fakeLocalStorage, fetch },
      'ERR_CLIENT_INVALID_OPTIONS',
      /never localStorage/,
    );
  } finally {
    delete g.localStorage;
  }
});

test("dpop takes dpop() of '@tessera/client/dpop': true (or anything else) is refused", () => {
  for (const dpop of [true, 'yes', {}])
    refused(
      { baseUrl: 'https://a.test', mode: 'token', dpop, fetch },
      'ERR_CLIENT_INVALID_OPTIONS',
      /@tessera\/client\/dpop/,
    );
  assert.ok(createClient({ baseUrl: 'https://a.test', mode: 'token', fetch }));
});

test('the global fetch is used when none is passed', () => {
  const client = createClient({ baseUrl: 'https://a.test', mode: 'token' });
  assert.equal(client.status, 'unknown');
});
