import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { invalidHeaderName, isHttpToken } from './headers.js';

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

describe('isHttpToken', () => {
  test('accepts RFC 7230 tokens only', () => {
    for (const ok of ['GET', 'x-api-key', "!#$%&'*+-.^_`|~09azAZ"]) assert.equal(isHttpToken(ok), true, ok);
    for (const bad of ['', 'GET POST', 'a:b', 'é', 'a\tb', 'a"b', 5, undefined]) {
      assert.equal(isHttpToken(bad), false, String(bad));
    }
  });
});
