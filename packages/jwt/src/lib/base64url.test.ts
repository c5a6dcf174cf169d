import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBase64url, encodeBase64url, encodedLength, isCanonicalBase64url } from './base64url.js';

test('canonical base64url: the 64 URL-safe characters, unpadded', () => {
  for (const s of [
    '',
    'AA',
    'AAA',
    'AAAA',
    'Zg',
    'Zm8',
    'Zm9v',
    '-_-_',
    'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  ]) {
    assert.equal(isCanonicalBase64url(s), true, s);
  }
  for (const s of [
    'A',
    'AAAAA',
    'AA==',
    'AA=',
    'Zg==',
    '+/8',
    'a/b',
    'a+b',
    'a b',
    'a?b',
    'a.b',
    'ä',
    'AA\n',
    '\u0000',
  ]) {
    assert.equal(isCanonicalBase64url(s), false, JSON.stringify(s));
  }
});

test('canonical base64url: unused bits of the last character must be zero', () => {
  // RFC 7515 A.1 signature ends in "Xk"; "Xl" decodes to the same bytes in Node.
  const sig = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const twin = `${sig.slice(0, -1)}l`;
  assert.deepEqual(Buffer.from(twin, 'base64url'), Buffer.from(sig, 'base64url'));
  assert.equal(isCanonicalBase64url(twin), false);
  assert.equal(isCanonicalBase64url('Zh'), false); // 'f' is 'Zg'
  assert.equal(isCanonicalBase64url('Zm9'), false); // 'fo' is 'Zm8'
});

test('encodedLength is the unpadded encoded size', () => {
  for (let n = 0; n < 200; n++) {
    assert.equal(encodedLength(n), Buffer.alloc(n).toString('base64url').length, String(n));
  }
  assert.equal(encodedLength(32), 43);
  assert.equal(encodedLength(64), 86);
  assert.equal(encodedLength(132), 176);
});

test('encodeBase64url takes bytes or UTF-8 text', () => {
  assert.equal(encodeBase64url('{"alg":"EdDSA"}'), 'eyJhbGciOiJFZERTQSJ9');
  assert.equal(encodeBase64url(new Uint8Array([0xfb, 0xff])), '-_8');
  assert.equal(encodeBase64url('\u2019'), '4oCZ');
  assert.equal(encodeBase64url(''), '');
});

test('decodeBase64url decodes canonical input and refuses the rest with ERR_JWS_INVALID', () => {
  assert.deepEqual(decodeBase64url('-_8', 'x'), Buffer.from([0xfb, 0xff]));
  assert.deepEqual(decodeBase64url('', 'x'), Buffer.alloc(0));
  for (const s of ['+/8', '-_8=', 'Zh', 'A', 'Zg Zg']) {
    assert.throws(() => decodeBase64url(s, 'payload'), { name: 'JwtError', code: 'ERR_JWS_INVALID' }, s);
  }
  assert.throws(() => decodeBase64url('A', 'the payload'), /the payload/);
});
