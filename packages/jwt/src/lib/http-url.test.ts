import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { invalidHeaderName } from './headers.js';
import { parseHttpUrl } from './http-url.js';

describe('parseHttpUrl', () => {
  test('returns the URL for http: and https:', () => {
    const url = parseHttpUrl('https://auth.example.com/.well-known/jwks.json');
    assert.ok(url instanceof URL);
    assert.equal(url.host, 'auth.example.com');
    assert.ok(parseHttpUrl(new URL('http://127.0.0.1:3000/x')) instanceof URL);
  });

  test('names what is wrong otherwise', () => {
    assert.equal(parseHttpUrl('not a url'), 'invalid');
    assert.equal(parseHttpUrl('file:///etc/passwd'), 'scheme');
    assert.equal(parseHttpUrl('ftp://example.com/'), 'scheme');
    assert.equal(parseHttpUrl('https://user:pw@example.com/'), 'credentials');
    assert.equal(parseHttpUrl('https://user@example.com/'), 'credentials');
  });
});

describe('invalidHeaderName', () => {
  test('undefined when fetch would accept every header', () => {
    assert.equal(invalidHeaderName({ 'x-api-key': 'k', 'user-agent': 'tessera' }), undefined);
  });

  test('names the first bad name or value, never returning the value', () => {
    assert.equal(invalidHeaderName({ ok: 'v', 'bad name': 'v' }), 'bad name');
    assert.equal(invalidHeaderName({ 'x-key': 'a\r\nb' }), 'x-key');
    assert.equal(invalidHeaderName({ 'x-n': 1 }), 'x-n');
  });
});
