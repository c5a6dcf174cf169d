import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPair, generateSecret } from '../jwk/generate.js';
import { createKeySet } from '../jwks/key-set.js';
import { signJws } from './sign.js';
import { verifyJws } from './verify.js';

const secret = generateSecret('HS256', { kid: 'mac' });
const ed = generateKeyPair('EdDSA', { kid: 'ed' });
const es = generateKeyPair('ES256', { kid: 'es' });
const code = (c: string) => ({ name: 'JwtError', code: c });
const b64u = (s: string) => Buffer.from(s).toString('base64url');

test('verifyJws returns the protected header and payload bytes', () => {
  const jws = signJws('hello', ed.privateKey, { header: { cty: 'text/plain' } });
  const { header, payload } = verifyJws(jws, ed.publicKey, { algorithms: ['EdDSA'] });
  assert.deepEqual({ ...header }, { alg: 'EdDSA', cty: 'text/plain', kid: 'ed' });
  assert.ok(payload instanceof Uint8Array);
  assert.equal(Buffer.from(payload).toString(), 'hello');
  // Through a key set, by kid.
  const set = createKeySet([ed.publicKey, es.publicKey]);
  assert.equal(verifyJws(jws, set, { algorithms: ['EdDSA', 'ES256'] }).header.kid, 'ed');
  assert.equal(
    verifyJws(signJws('x', es.privateKey), set, { algorithms: ['EdDSA', 'ES256'] }).header.kid,
    'es',
  );
  // An empty payload is a valid JWS.
  assert.equal(verifyJws(signJws('', secret), secret, { algorithms: ['HS256'] }).payload.length, 0);
});

test('verifyJws requires a valid algorithms allow-list', () => {
  const jws = signJws('x', secret);
  for (const algorithms of [undefined, [], ['none'], ['hs256'], 'HS256', [null]]) {
    assert.throws(
      () => verifyJws(jws, secret, { algorithms } as never),
      code('ERR_INVALID_OPTIONS'),
      String(algorithms),
    );
  }
  assert.throws(() => verifyJws(jws, secret, undefined as never), code('ERR_INVALID_OPTIONS'));
  assert.throws(() => verifyJws(jws, secret, { algorithms: ['HS384'] }), code('ERR_JWS_ALG_NOT_ALLOWED'));
});

test('verifyJws binds the key to its alg and the set to kid+alg', () => {
  const jws = signJws('x', es.privateKey);
  assert.throws(
    () => verifyJws(jws, ed.publicKey, { algorithms: ['ES256', 'EdDSA'] }),
    code('ERR_KEY_ALG_MISMATCH'),
  );
  const other = generateKeyPair('ES256', { kid: 'es' });
  assert.throws(
    () => verifyJws(jws, other.publicKey, { algorithms: ['ES256'] }),
    code('ERR_JWS_INVALID_SIGNATURE'),
  );
  assert.throws(
    () => verifyJws(jws, createKeySet([ed.publicKey]), { algorithms: ['ES256'] }),
    code('ERR_JWKS_NO_MATCHING_KEY'),
  );
});

test('verifyJws refuses malformed compact tokens with ERR_JWS_INVALID', () => {
  const [h, p, s] = signJws('x', secret).split('.') as [string, string, string];
  for (const token of [
    '',
    'abc',
    `${h}.${p}`,
    `${h}.${p}.${s}.`,
    `${h}.${p}.${s}.x.y`,
    `.${p}.${s}`,
    `${h}=.${p}.${s}`,
    `${h}.${p}=.${s}`,
    `${h}.${p}+.${s}`,
    `${b64u('[]')}.${p}.${s}`,
    `${b64u('{"alg":"HS256"')}.${p}.${s}`,
    `${b64u('{"alg":"HS256","alg":"HS256"}')}.${p}.${s}`,
  ]) {
    assert.throws(() => verifyJws(token, secret, { algorithms: ['HS256'] }), code('ERR_JWS_INVALID'), token);
  }
  assert.throws(() => verifyJws(42 as never, secret, { algorithms: ['HS256'] }), code('ERR_JWS_INVALID'));
});

test('verifyJws refuses crit, JWE and compression headers, and odd kids', () => {
  const forge = (header: Record<string, unknown>) => {
    const input = `${b64u(JSON.stringify(header))}.${b64u('x')}`;
    return `${input}.${signJws('x', secret).split('.')[2]}`;
  };
  for (const extra of [
    { crit: ['exp'], exp: 1 },
    { crit: [] },
    { enc: 'A128GCM' },
    { zip: 'DEF' },
    { p2c: 1000 },
    { epk: {} },
  ]) {
    assert.throws(
      () => verifyJws(forge({ alg: 'HS256', ...extra }), secret, { algorithms: ['HS256'] }),
      code('ERR_JWS_UNSUPPORTED'),
      JSON.stringify(extra),
    );
  }
  for (const kid of [7, '', 'k'.repeat(257), ['mac'], null]) {
    assert.throws(
      () => verifyJws(forge({ alg: 'HS256', kid }), secret, { algorithms: ['HS256'] }),
      code('ERR_JWS_INVALID'),
      String(kid),
    );
  }
  for (const alg of [undefined, 'none', 'hs256', ['HS256'], 'HS256 ']) {
    assert.throws(
      () => verifyJws(forge({ alg }), secret, { algorithms: ['HS256'] }),
      code('ERR_JWS_ALG_NOT_ALLOWED'),
      String(alg),
    );
  }
});

test('verifyJws refuses bad signatures', () => {
  const jws = signJws('x', secret);
  const [h, p, s] = jws.split('.') as [string, string, string];
  for (const sig of [
    '',
    'A',
    s.slice(0, -1),
    `${s}A`,
    `${s.slice(0, -1)}${s.endsWith('A') ? 'B' : 'A'}`,
    s.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
  ]) {
    assert.throws(
      () => verifyJws(`${h}.${p}.${sig}`, secret, { algorithms: ['HS256'] }),
      code('ERR_JWS_INVALID_SIGNATURE'),
      sig,
    );
  }
  assert.throws(
    () => verifyJws(`${h}.${b64u('y')}.${s}`, secret, { algorithms: ['HS256'] }),
    code('ERR_JWS_INVALID_SIGNATURE'),
  );
});

test('verifyJws caps the token length before parsing', () => {
  const jws = signJws('x'.repeat(10_000), secret);
  assert.throws(() => verifyJws(jws, secret, { algorithms: ['HS256'] }), code('ERR_JWT_TOO_LONG'));
  assert.equal(
    verifyJws(jws, secret, { algorithms: ['HS256'], maxTokenLength: jws.length }).payload.length,
    10_000,
  );
  assert.throws(
    () => verifyJws(jws, secret, { algorithms: ['HS256'], maxTokenLength: jws.length - 1 }),
    code('ERR_JWT_TOO_LONG'),
  );
  assert.throws(
    () => verifyJws('.'.repeat(100_000), secret, { algorithms: ['HS256'] }),
    code('ERR_JWT_TOO_LONG'),
  );
});
