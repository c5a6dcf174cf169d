import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
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
