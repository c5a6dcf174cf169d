import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateSecret } from '../jwk/generate.js';
import { decodeJwtUnverified } from './decode.js';
import { signJwt } from './sign.js';

const b64u = (s: string) => Buffer.from(s).toString('base64url');
const code = (c: string) => ({ name: 'JwtError', code: c });

test('decodeJwtUnverified returns header and claims without checking signature or time', () => {
  const token = signJwt({ sub: 'u1' }, generateSecret('HS256', { kid: 'k' }), {
    now: new Date(0),
    expiresIn: 1,
  });
  const { header, payload } = decodeJwtUnverified(token);
  assert.deepEqual(header, { alg: 'HS256', typ: 'JWT', kid: 'k' });
  assert.deepEqual(payload, { sub: 'u1', iat: 0, exp: 1 });
  const [h, p] = token.split('.');
  assert.deepEqual(decodeJwtUnverified(`${h}.${p}.`).payload, payload);
  // Even an unsecured token decodes: nothing here is trusted.
  assert.equal(decodeJwtUnverified(`${b64u('{"alg":"none"}')}.${p}.`).header.alg, 'none');
});

test('decodeJwtUnverified applies the same strict parsing', () => {
  const p = b64u('{"sub":"u1"}');
  const h = b64u('{"alg":"HS256"}');
  const cases: [string, string][] = [
    ['', 'ERR_JWS_INVALID'],
    [`${h}.${p}`, 'ERR_JWS_INVALID'],
    [`${h}.${p}.x.y.z`, 'ERR_JWS_INVALID'],
    [`${b64u('{"typ":"JWT"}')}.${p}.`, 'ERR_JWS_INVALID'],
    [`${b64u('{"alg":5}')}.${p}.`, 'ERR_JWS_INVALID'],
    [`${b64u('{"alg":"HS256","alg":"none"}')}.${p}.`, 'ERR_JWS_INVALID'],
    [`${h}=.${p}.`, 'ERR_JWS_INVALID'],
    [`${h}.${p}=.`, 'ERR_JWS_INVALID'],
    [`${h}.${b64u('[1]')}.`, 'ERR_JWT_INVALID'],
    [`${h}.${b64u('{"a":1,"a":2}')}.`, 'ERR_JWT_INVALID'],
    [`${h}.${b64u('{"__proto__":{}}')}.`, 'ERR_JWT_INVALID'],
    [`${h}.${Buffer.from([0xff]).toString('base64url')}.`, 'ERR_JWT_INVALID'],
    [`${h}.${b64u('{"pad":"')}${'x'.repeat(9000)}.`, 'ERR_JWT_TOO_LONG'],
  ];
  for (const [token, expected] of cases) {
    assert.throws(() => decodeJwtUnverified(token), code(expected), token.slice(0, 80));
  }
  assert.throws(() => decodeJwtUnverified(undefined as never), code('ERR_JWS_INVALID'));
});
