import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPair, generateSecret } from '../jwk/generate.js';
import { signJws } from './sign.js';
import { verifyJws } from './verify.js';

const secret = generateSecret('HS256', { kid: 'mac' });
const ed = generateKeyPair('EdDSA', { kid: 'ed' });
const decodeHeader = (jws: string) =>
  JSON.parse(Buffer.from(jws.split('.')[0] as string, 'base64url').toString());

test('signJws writes alg first, then header members, then the key kid', () => {
  assert.deepEqual(decodeHeader(signJws('x', secret)), { alg: 'HS256', kid: 'mac' });
  const jws = signJws('x', ed.privateKey, { header: { cty: 'text/plain', typ: 'example' } });
  assert.equal(
    Buffer.from(jws.split('.')[0] as string, 'base64url').toString(),
    '{"alg":"EdDSA","cty":"text/plain","typ":"example","kid":"ed"}',
  );
  // A header kid overrides the key's; undefined members are left out; a matching alg is allowed.
  assert.deepEqual(
    decodeHeader(signJws('x', secret, { header: { kid: 'other', x: undefined, alg: 'HS256' } })),
    {
      alg: 'HS256',
      kid: 'other',
    },
  );
  const anonymous = generateSecret('HS256');
  assert.deepEqual(decodeHeader(signJws('x', anonymous)), { alg: 'HS256' });
});

test('signJws signs strings as UTF-8 and bytes as they are', () => {
  const text = 'It’s ✓';
  assert.equal(
    Buffer.from(verifyJws(signJws(text, secret), secret, { algorithms: ['HS256'] }).payload).toString(),
    text,
  );
  const bytes = new Uint8Array([0, 255, 46, 10]);
  assert.deepEqual(
    verifyJws(signJws(bytes, ed.privateKey), ed.publicKey, { algorithms: ['EdDSA'] }).payload,
    bytes,
  );
  assert.equal(signJws('', secret).split('.')[1], '');
  // HMAC and Ed25519 are deterministic.
  assert.equal(signJws('same', secret), signJws('same', secret));
  assert.equal(signJws('same', ed.privateKey), signJws('same', ed.privateKey));
});

test('signJws refuses headers it would refuse to verify, and another alg', () => {
  for (const name of ['crit', 'b64', 'enc', 'zip', 'jwk', 'jku', 'x5u', 'x5c']) {
    assert.throws(
      () => signJws('x', secret, { header: { [name]: 'v' } }),
      { name: 'JwtError', code: 'ERR_INVALID_OPTIONS' },
      name,
    );
  }
  assert.throws(() => signJws('x', secret, { header: { alg: 'HS512' } }), { code: 'ERR_KEY_ALG_MISMATCH' });
  assert.throws(() => signJws('x', secret, { header: { alg: 'none' } }), { code: 'ERR_KEY_ALG_MISMATCH' });
  assert.throws(() => signJws('x', secret, { header: [] as never }), { code: 'ERR_INVALID_OPTIONS' });
  assert.throws(() => signJws('x', secret, { header: 'kid' as never }), { code: 'ERR_INVALID_OPTIONS' });
});

test('signJws needs a private or secret Key and a string or bytes payload', () => {
  assert.throws(() => signJws('x', ed.publicKey), { code: 'ERR_KEY_INVALID' });
  assert.throws(() => signJws('x', ed.privateKey.keyObject as never), { code: 'ERR_INVALID_OPTIONS' });
  assert.throws(() => signJws('x', null as never), { code: 'ERR_INVALID_OPTIONS' });
  assert.throws(() => signJws({ a: 1 } as never, secret), { code: 'ERR_INVALID_OPTIONS' });
  assert.throws(() => signJws(42 as never, secret), { code: 'ERR_INVALID_OPTIONS' });
});
