import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bearerChallenge, bearerCredentials, dpopChallenge, isToken68, schemeCredentials } from './bearer.js';

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

describe('schemeCredentials and dpopChallenge (RFC 9449 §7.1)', () => {
  test('the DPoP scheme, case-insensitive; another scheme is undefined, a broken one null', () => {
    assert.equal(schemeCredentials('DPoP abc', 'dpop'), 'abc');
    assert.equal(schemeCredentials('dpop   abc', 'dpop'), 'abc');
    assert.equal(schemeCredentials('Bearer abc', 'dpop'), undefined);
    assert.equal(schemeCredentials('DPoPx abc', 'dpop'), undefined);
    assert.equal(schemeCredentials('DPoP', 'dpop'), null);
    assert.equal(schemeCredentials('DPoP,abc', 'dpop'), null);
  });
  test('the challenge carries the error and the algorithms', () => {
    assert.equal(dpopChallenge('api', ['ES256', 'EdDSA']), 'DPoP realm="api", algs="ES256 EdDSA"');
    assert.equal(
      dpopChallenge('api', ['ES256'], 'use_dpop_nonce'),
      'DPoP realm="api", error="use_dpop_nonce", algs="ES256"',
    );
  });
});
