import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeUtf8, parseJsonObject } from './json.js';

const parse = (text: string) => parseJsonObject(text, 'ERR_JWT_INVALID', 'payload');
const invalid = { name: 'JwtError', code: 'ERR_JWT_INVALID' };

test('parseJsonObject returns plain JSON objects', () => {
  assert.deepEqual(parse('{}'), {});
  assert.deepEqual(parse(' {"a" : 1 ,\r\n "b":[{"c":null}]} '), { a: 1, b: [{ c: null }] });
  assert.deepEqual(parse('{"constructor":1,"toString":"x"}'), { constructor: 1, toString: 'x' });
});

test('parseJsonObject refuses non-objects and invalid JSON with the given code', () => {
  for (const text of [
    '[]',
    '[{}]',
    'null',
    '"x"',
    '1',
    'true',
    '',
    '{',
    '{"a":1,}',
    "{'a':1}",
    '\ufeff{}',
    '{"a":1}x',
  ]) {
    assert.throws(() => parse(text), invalid, JSON.stringify(text));
  }
  assert.throws(() => parseJsonObject('[]', 'ERR_JWS_INVALID', 'header'), { code: 'ERR_JWS_INVALID' });
});

test('parseJsonObject refuses duplicate member names, also escaped and nested', () => {
  for (const text of [
    '{"alg":"HS256","alg":"none"}',
    '{"alg":"HS256","\\u0061lg":"none"}',
    '{"a":{"x":1,"x":2}}',
    '{"a":[{"x":1},{"y":1,"y":2}]}',
    '{"a" :1, "a"\n:1}',
  ]) {
    assert.throws(() => parse(text), /duplicate/, text);
  }
});

test('parseJsonObject does not mistake strings for member names', () => {
  assert.deepEqual(parse('{"a":"\\":","b":"x\\\\"}'), { a: '":', b: 'x\\' });
  assert.deepEqual(parse('{"a\\"":1,"a":2}'), { 'a"': 1, a: 2 });
  assert.deepEqual(parse('{"a":["b",":","c"]}'), { a: ['b', ':', 'c'] });
  assert.deepEqual(parse('{"x":{"a":1},"y":{"a":1}}'), { x: { a: 1 }, y: { a: 1 } });
});

test('parseJsonObject refuses __proto__ members at any depth', () => {
  for (const text of [
    '{"__proto__":{"admin":true}}',
    '{"a":{"__proto__":null}}',
    '{"a":[{"__proto__":1}]}',
    '{"\\u005f_proto__":{}}',
  ]) {
    assert.throws(() => parse(text), /__proto__/, text);
  }
  assert.equal(({} as Record<string, unknown>).admin, undefined);
});

test('parseJsonObject caps nesting at 32 levels', () => {
  const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
  assert.doesNotThrow(() => parse(nested(32)));
  assert.throws(() => parse(nested(33)), /deeply/);
  const arrays = (depth: number) => `{"a":${'['.repeat(depth)}{}${']'.repeat(depth)}}`;
  assert.doesNotThrow(() => parse(arrays(30)));
  assert.throws(() => parse(arrays(32)), /deeply/);
  assert.throws(() => parse(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`), invalid);
});

test('decodeUtf8 is strict and keeps a byte-order mark', () => {
  assert.equal(decodeUtf8(Buffer.from('{"n":"Zoë ✓"}'), 'ERR_JWT_INVALID', 'payload'), '{"n":"Zoë ✓"}');
  // A literal U+FFFD is valid UTF-8 and survives.
  assert.equal(decodeUtf8(Buffer.from('\ufffd'), 'ERR_JWT_INVALID', 'payload'), '\ufffd');
  for (const bytes of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x7b, 0x80, 0x7d]]) {
    assert.throws(() => decodeUtf8(Buffer.from(bytes), 'ERR_JWT_INVALID', 'payload'), /UTF-8/, String(bytes));
  }
  const bom = decodeUtf8(Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), 'ERR_JWT_INVALID', 'payload');
  assert.equal(bom, '\ufeff{}');
  assert.throws(() => parse(bom), invalid);
});
