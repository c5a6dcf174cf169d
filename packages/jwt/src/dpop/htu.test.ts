import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JwtError } from '../errors.js';
import { accessTokenHash, normalizeHtu } from './htu.js';

describe('normalizeHtu', () => {
  const cases: [string, string][] = [
    ['https://api.example.com/orders', 'https://api.example.com/orders'],
    ['HTTPS://API.Example.COM:443/a/../Orders?page=2#top', 'https://api.example.com/Orders'],
    ['http://api.example.com:80/', 'http://api.example.com/'],
    ['http://api.example.com', 'http://api.example.com/'],
    ['https://api.example.com:8443/x', 'https://api.example.com:8443/x'],
    ['http://[::1]:3000/x?', 'http://[::1]:3000/x'],
  ];
  for (const [input, expected] of cases) {
    test(input, () => assert.equal(normalizeHtu(input), expected));
  }

  test('takes a URL object', () => {
    assert.equal(normalizeHtu(new URL('https://API.example.com:443/a?b')), 'https://api.example.com/a');
  });

  test('refuses what is not an http(s) URL without credentials', () => {
    for (const bad of ['not a url', 'ftp://example.com/x', 'https://user:pw@example.com/x', '/relative']) {
      assert.throws(
        () => normalizeHtu(bad),
        (err) => err instanceof JwtError && err.code === 'ERR_INVALID_OPTIONS',
      );
    }
  });
});

describe('accessTokenHash', () => {
  test('is the base64url SHA-256 of the token (RFC 9449 §7.1 example)', () => {
    assert.equal(
      accessTokenHash('Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU'),
      'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo',
    );
  });

  test('refuses an empty or missing token', () => {
    assert.throws(() => accessTokenHash(''), { code: 'ERR_INVALID_OPTIONS' });
    assert.throws(() => accessTokenHash(undefined as never), { code: 'ERR_INVALID_OPTIONS' });
  });
});
