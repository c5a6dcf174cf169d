import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GuardReason } from './errors.js';
import { type ExtractOptions, extractToken } from './extract.js';

const TOKEN = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2ln';

class Refused extends Error {
  constructor(readonly reason: GuardReason) {
    super(reason);
  }
}
const fail = (reason: GuardReason): never => {
  throw new Refused(reason);
};

function run(authorization: unknown, cookie?: string, url?: string, opts: Partial<ExtractOptions> = {}) {
  const options = { cookie: undefined, query: undefined, maxTokenLength: 8192, ...opts };
  try {
    return extractToken(authorization, cookie, url, options, fail) ?? 'none';
  } catch (err) {
    if (err instanceof Refused) return err.reason;
    throw err;
  }
}

describe('extractToken: the Authorization header', () => {
  const cases: [string, unknown, string][] = [
    ['a bearer token', `Bearer ${TOKEN}`, TOKEN],
    ['the scheme is case-insensitive', `bEaReR ${TOKEN}`, TOKEN],
    ['several spaces after the scheme', `Bearer    ${TOKEN}`, TOKEN],
    ['token68 padding', 'Bearer abc+/==', 'abc+/=='],
    ['no header', undefined, 'none'],
    ['an empty header', '', 'none'],
    ['another scheme', 'Basic dXNlcjpwYXNz', 'none'],
    ['a longer scheme name', 'Bearerx abc', 'none'],
    ['a short value', 'Bear', 'none'],
    ['Bearer alone', 'Bearer', 'ERR_GUARD_MALFORMED_CREDENTIALS'],
    ['Bearer and spaces', 'Bearer   ', 'ERR_GUARD_MALFORMED_CREDENTIALS'],
    ['two tokens', `Bearer ${TOKEN} ${TOKEN}`, 'ERR_GUARD_MALFORMED_CREDENTIALS'],
    ['a trailing space', `Bearer ${TOKEN} `, 'ERR_GUARD_MALFORMED_CREDENTIALS'],
    ['a tab separator', `Bearer\t${TOKEN}`, 'ERR_GUARD_MALFORMED_CREDENTIALS'],
    // The characters are the guard's to check, once verification fails (isToken68).
    ['padding in the middle: left to isToken68', 'Bearer ab=c', 'ab=c'],
    [
      'an array (a framework joined duplicates differently)',
      [`Bearer ${TOKEN}`],
      'ERR_GUARD_MALFORMED_CREDENTIALS',
    ],
  ];
  for (const [name, header, expected] of cases) {
    test(name, () => assert.equal(run(header), expected));
  }

  test('over maxTokenLength: refused, whatever the characters', () => {
    assert.equal(
      run(`Bearer ${'a'.repeat(101)}`, undefined, undefined, { maxTokenLength: 100 }),
      'ERR_JWT_TOO_LONG',
    );
    assert.equal(
      run(`Bearer ${'a'.repeat(100)}`, undefined, undefined, { maxTokenLength: 100 }),
      'a'.repeat(100),
    );
    assert.equal(
      run(`Bearer ${'$'.repeat(101)}`, undefined, undefined, { maxTokenLength: 100 }),
      'ERR_JWT_TOO_LONG',
    );
  });
});

describe('extractToken: cookie and query', () => {
  const cookie = { cookie: 'at' };
  const query = { query: 'access_token' };

  test('the named cookie, among others', () => {
    assert.equal(run(undefined, `a=1; at=${TOKEN}; b=2`, undefined, cookie), TOKEN);
    assert.equal(run(undefined, `at="${TOKEN}"`, undefined, cookie), TOKEN);
    assert.equal(run(undefined, `xat=${TOKEN}; at_=1`, undefined, cookie), 'none');
    assert.equal(run(undefined, 'at=', undefined, cookie), 'none');
  });

  test('the cookie twice, or with the header: invalid_request', () => {
    assert.equal(run(undefined, `at=${TOKEN}; at=${TOKEN}`, undefined, cookie), 'ERR_GUARD_MULTIPLE_TOKENS');
    assert.equal(run(`Bearer ${TOKEN}`, `at=${TOKEN}`, undefined, cookie), 'ERR_GUARD_MULTIPLE_TOKENS');
  });

  test('a cookie holding a non-token is malformed', () => {
    assert.equal(run(undefined, 'at=a b', undefined, cookie), 'ERR_GUARD_MALFORMED_CREDENTIALS');
  });

  test('another scheme in the header does not conflict with the cookie', () => {
    assert.equal(run('Basic dXNlcjpwYXNz', `at=${TOKEN}`, undefined, cookie), TOKEN);
  });

  test('the named query parameter, from a path or a full URL', () => {
    assert.equal(run(undefined, undefined, `/x?a=1&access_token=${TOKEN}`, query), TOKEN);
    assert.equal(run(undefined, undefined, `http://h/x?access_token=${TOKEN}#frag`, query), TOKEN);
    assert.equal(run(undefined, undefined, '/x?access_token_2=abc', query), 'none');
    assert.equal(run(undefined, undefined, '/x', query), 'none');
    assert.equal(run(undefined, undefined, '/x?access_token=a%2Eb', query), 'a.b');
  });

  test('the query parameter empty, repeated, badly encoded, or with the header: invalid_request', () => {
    assert.equal(run(undefined, undefined, '/x?access_token=', query), 'ERR_GUARD_MALFORMED_CREDENTIALS');
    assert.equal(run(undefined, undefined, '/x?access_token', query), 'ERR_GUARD_MALFORMED_CREDENTIALS');
    assert.equal(
      run(undefined, undefined, '/x?access_token=a&access_token=b', query),
      'ERR_GUARD_MULTIPLE_TOKENS',
    );
    assert.equal(
      run(undefined, undefined, '/x?access_token=%E0%A4%A', query),
      'ERR_GUARD_MALFORMED_CREDENTIALS',
    );
    assert.equal(
      run(`Bearer ${TOKEN}`, undefined, `/x?access_token=${TOKEN}`, query),
      'ERR_GUARD_MULTIPLE_TOKENS',
    );
  });

  test('neither cookie nor query is read unless configured', () => {
    assert.equal(run(undefined, `at=${TOKEN}`, `/x?access_token=${TOKEN}`), 'none');
  });

  test('many separators do not make the scan quadratic (it finishes; no time is asserted)', () => {
    assert.equal(run(undefined, ';'.repeat(200_000), undefined, cookie), 'none');
    assert.equal(run(undefined, undefined, `/x?${'&'.repeat(200_000)}`, query), 'none');
  });
});
