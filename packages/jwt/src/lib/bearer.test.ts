import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bearerChallenge, bearerCredentials, isToken68 } from './bearer.js';

describe('bearerCredentials', () => {
  const cases: [string, string | null | undefined][] = [
    ['Bearer abc', 'abc'],
    ['bEaReR   abc', 'abc'],
    ['Bearer abc ', 'abc '],
    ['Bearer a b', 'a b'],
    ['Bearer', null],
    ['Bearer    ', null],
    ['Bearer\tabc', null],
    ['Bearer,abc', null],
    ['Bearerish abc', undefined],
    ['Basic dXNlcg==', undefined],
    ['Bear', undefined],
    ['', undefined],
  ];
  for (const [header, expected] of cases) {
    test(JSON.stringify(header), () => assert.equal(bearerCredentials(header), expected));
  }
});

describe('isToken68: RFC 6750 b64token', () => {
  const cases: [string, boolean][] = [
    ['eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2ln', true],
    ['abc+/==', true],
    ['A-._~+/9', true],
    ['ab=c', false],
    ['=', false],
    ['"abc"', false],
    ['abcé', false],
    ['abc$def', false],
    ['abc def', false],
    ['', false],
  ];
  for (const [token, expected] of cases) {
    test(JSON.stringify(token), () => assert.equal(isToken68(token), expected));
  }
});

describe('bearerChallenge', () => {
  test('has no error attribute without an error (RFC 6750 §3.1)', () => {
    assert.equal(bearerChallenge('api'), 'Bearer realm="api"');
    assert.equal(
      bearerChallenge('api', 'insufficient_scope'),
      'Bearer realm="api", error="insufficient_scope"',
    );
  });
});
