import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, randomBytes, webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { signJws } from '../jws/sign.js';
import { verifyJws } from '../jws/verify.js';
import type { Alg } from '../lib/algs.js';
import { exportJwk } from './export.js';
import { generateKeyPair, generateSecret } from './generate.js';
import { importJwk, importKeyObject, importPem, importSecret } from './import.js';
import type { Key } from './key.js';
import type { Jwk } from './types.js';

const code = (c: string) => ({ name: 'JwtError', code: c });

/** Asserts `signer` and `verifier` form a working pair for their alg. */
function assertPair(signer: Key, verifier: Key): void {
  const jws = signJws('hello', signer);
  assert.equal(
    Buffer.from(verifyJws(jws, verifier, { algorithms: [verifier.alg] }).payload).toString(),
    'hello',
  );
}

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecJwk = ec.publicKey.export({ format: 'jwk' }) as Jwk;
const ecPrivateJwk = ec.privateKey.export({ format: 'jwk' }) as Jwk;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaJwk = rsa.publicKey.export({ format: 'jwk' }) as Jwk;
const ed = generateKeyPairSync('ed25519');
const edJwk = ed.publicKey.export({ format: 'jwk' }) as Jwk;

test('importJwk infers the alg of EC and Ed25519 keys from the curve', () => {
  assert.equal(importJwk(ecJwk).alg, 'ES256');
  assert.equal(importJwk(edJwk).alg, 'EdDSA');
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }) as Jwk;
  const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey.export({ format: 'jwk' }) as Jwk;
  assert.equal(importJwk(p384).alg, 'ES384');
  assert.equal(importJwk(p521).alg, 'ES512');
});

test('importJwk takes the alg from opts or the JWK; both given must agree', () => {
  assert.equal(importJwk(rsaJwk, { alg: 'PS256' }).alg, 'PS256');
  assert.equal(importJwk({ ...rsaJwk, alg: 'RS384' }).alg, 'RS384');
  assert.equal(importJwk({ ...rsaJwk, alg: 'RS384' }, { alg: 'RS384' }).alg, 'RS384');
  assert.throws(() => importJwk({ ...rsaJwk, alg: 'RS384' }, { alg: 'RS256' }), code('ERR_KEY_ALG_MISMATCH'));
  assert.throws(() => importJwk({ ...ecJwk, alg: 'ES256' }, { alg: 'ES384' }), code('ERR_KEY_ALG_MISMATCH'));
  // RSA and oct keys have no implied alg.
  assert.throws(() => importJwk(rsaJwk), code('ERR_KEY_INVALID'));
  assert.throws(
    () => importJwk({ kty: 'oct', k: randomBytes(32).toString('base64url') }),
    code('ERR_KEY_INVALID'),
  );
  for (const alg of ['none', 'RS1', 'rs256', 'ES521', 'HS256 ']) {
    assert.throws(() => importJwk({ ...rsaJwk, alg }), code('ERR_KEY_INVALID'), alg);
  }
  assert.throws(() => importJwk(rsaJwk, { alg: 'none' as Alg }), code('ERR_INVALID_OPTIONS'));
});

test('importJwk keeps kid, and gives private keys for private JWKs', () => {
  const pub = importJwk({ ...ecJwk, kid: 'k1' });
  const priv = importJwk({ ...ecPrivateJwk, kid: 'k1' });
  assert.equal(pub.kid, 'k1');
  assert.equal(pub.type, 'public');
  assert.equal(priv.type, 'private');
  assertPair(priv, pub);
  const rsaPriv = importJwk(rsa.privateKey.export({ format: 'jwk' }) as Jwk, { alg: 'RS256' });
  assertPair(rsaPriv, importJwk(rsaJwk, { alg: 'RS256' }));
  assert.throws(() => importJwk({ ...ecJwk, kid: 7 as never }), code('ERR_KEY_INVALID'));
  assert.throws(() => importJwk({ ...ecJwk, kid: '' }), { name: 'JwtError' });
  assert.throws(() => importJwk({ ...ecJwk, kid: 'k'.repeat(257) }), { name: 'JwtError' });
});

test('importJwk refuses keys marked for encryption', () => {
  assert.throws(() => importJwk({ ...ecJwk, use: 'enc' }), code('ERR_KEY_INVALID'));
  assert.throws(() => importJwk({ ...ecJwk, key_ops: ['encrypt'] }), code('ERR_KEY_INVALID'));
  assert.throws(() => importJwk({ ...ecJwk, key_ops: 'verify' as never }), code('ERR_KEY_INVALID'));
  assert.equal(importJwk({ ...ecJwk, use: 'sig', key_ops: ['verify'] }).alg, 'ES256');
  assert.equal(importJwk({ ...ecPrivateJwk, key_ops: ['sign'] }).type, 'private');
});

test('importJwk refuses malformed and mismatched keys', () => {
  const cases: [Jwk | unknown, Alg | undefined, string][] = [
    [null, undefined, 'ERR_KEY_INVALID'],
    ['{"kty":"EC"}', undefined, 'ERR_KEY_INVALID'],
    [[ecJwk], undefined, 'ERR_KEY_INVALID'],
    [{ kty: 'EC', crv: 'P-256', x: ecJwk.x }, undefined, 'ERR_KEY_INVALID'],
    [{ ...ecJwk, y: edJwk.x }, undefined, 'ERR_KEY_INVALID'], // off the curve
    [{ ...ecJwk, crv: 'P-384' }, undefined, 'ERR_KEY_INVALID'],
    [ecJwk, 'ES384', 'ERR_KEY_INVALID'],
    [ecJwk, 'RS256', 'ERR_KEY_INVALID'],
    [rsaJwk, 'ES256', 'ERR_KEY_INVALID'],
    [rsaJwk, 'HS256', 'ERR_KEY_INVALID'],
    [edJwk, 'ES256', 'ERR_KEY_INVALID'],
    [{ ...ecJwk, x: `${ecJwk.x}=` }, undefined, 'ERR_KEY_INVALID'],
    [{ ...rsaJwk, n: (rsaJwk.n as string).replace(/-/g, '+') }, 'RS256', 'ERR_KEY_INVALID'],
    [{ kty: 'OKP', crv: 'X25519', x: edJwk.x }, undefined, 'ERR_KEY_INVALID'],
    [{ kty: 'oct', k: 'AA==' }, 'HS256', 'ERR_KEY_INVALID'],
    [{ kty: 'oct', k: randomBytes(31).toString('base64url') }, 'HS256', 'ERR_KEY_WEAK'],
    [{ kty: 'oct', k: randomBytes(32).toString('base64url') }, 'HS384', 'ERR_KEY_WEAK'],
    [{ kty: 'oct', k: '' }, 'HS256', 'ERR_KEY_WEAK'],
  ];
  for (const [jwk, alg, expected] of cases) {
    assert.throws(
      () => importJwk(jwk as Jwk, alg === undefined ? {} : { alg }),
      code(expected),
      `${JSON.stringify(jwk)?.slice(0, 60)} as ${alg}`,
    );
  }
});

test('importJwk refuses weak RSA keys', () => {
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }) as Jwk;
  assert.throws(() => importJwk(weak, { alg: 'RS256' }), code('ERR_KEY_WEAK'));
  const e3 = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 }).publicKey.export({
    format: 'jwk',
  }) as Jwk;
  assert.throws(() => importJwk(e3, { alg: 'RS256' }), code('ERR_KEY_WEAK'));
});

test('importJwk takes oct secrets for HS algorithms', () => {
  const k = randomBytes(48).toString('base64url');
  const key = importJwk({ kty: 'oct', k, alg: 'HS384', kid: 'mac' });
  assert.equal(key.type, 'secret');
  assert.equal(key.kid, 'mac');
  assert.equal(key.keyObject.export().toString('base64url'), k);
  assertPair(key, key);
});

test('importPem reads SPKI, PKCS#8, PKCS#1 and SEC1 keys', () => {
  const spki = rsa.publicKey.export({ format: 'pem', type: 'spki' }) as string;
  const pkcs8 = rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  const pkcs1 = rsa.publicKey.export({ format: 'pem', type: 'pkcs1' }) as string;
  const pkcs1Private = rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string;
  const pub = importPem(spki, { alg: 'RS256', kid: 'r1' });
  const priv = importPem(pkcs8, { alg: 'RS256' });
  assert.equal(pub.type, 'public');
  assert.equal(pub.kid, 'r1');
  assert.equal(priv.type, 'private');
  assertPair(priv, pub);
  assertPair(importPem(pkcs1Private, { alg: 'PS256' }), importPem(pkcs1, { alg: 'PS256' }));
  const sec1 = ec.privateKey.export({ format: 'pem', type: 'sec1' }) as string;
  assertPair(
    importPem(sec1, { alg: 'ES256' }),
    importPem(ec.publicKey.export({ format: 'pem', type: 'spki' }) as string, { alg: 'ES256' }),
  );
  const edPem = ed.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  assertPair(importPem(edPem, { alg: 'EdDSA' }), importJwk(edJwk));
});

test('importPem reads the public key of an X.509 certificate', (t) => {
  const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (openssl.status !== 0) {
    t.skip('openssl is not available to make a self-signed certificate');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cert-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-subj',
      '/CN=tessera-test',
      '-days',
      '1',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(made.status, 0, made.stderr);
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const keyPem = readFileSync(join(dir, 'key.pem'), 'utf8');
  const fromCert = importPem(cert, { alg: 'ES256', kid: 'cert' });
  assert.equal(fromCert.type, 'public');
  assert.equal(fromCert.kid, 'cert');
  assertPair(importPem(keyPem, { alg: 'ES256' }), fromCert);
  assert.throws(() => importPem(cert, { alg: 'RS256' }), code('ERR_KEY_INVALID'));
  const broken = cert.replace(/\n[^\n-]+\n/, '\nAAAA\n');
  assert.notEqual(broken, cert);
  assert.throws(() => importPem(broken, { alg: 'ES256' }), code('ERR_KEY_INVALID'));
});

test('importPem refuses bad input', () => {
  const spki = ec.publicKey.export({ format: 'pem', type: 'spki' }) as string;
  assert.throws(() => importPem(spki, { alg: 'RS256' }), code('ERR_KEY_INVALID'));
  assert.throws(() => importPem(spki, { alg: 'ES384' }), code('ERR_KEY_INVALID'));
  assert.throws(() => importPem(spki, { alg: 'HS256' }), code('ERR_INVALID_OPTIONS'));
  assert.throws(() => importPem(spki, {} as { alg: Alg }), code('ERR_INVALID_OPTIONS'));
  assert.throws(
    () => importPem('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', { alg: 'ES256' }),
    code('ERR_KEY_INVALID'),
  );
  assert.throws(() => importPem('', { alg: 'ES256' }), code('ERR_KEY_INVALID'));
  assert.throws(() => importPem(Buffer.from(spki) as never, { alg: 'ES256' }), code('ERR_KEY_INVALID'));
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
    format: 'pem',
    type: 'spki',
  }) as string;
  assert.throws(() => importPem(weak, { alg: 'RS256' }), code('ERR_KEY_WEAK'));
});

test('importSecret takes bytes or UTF-8 text at least as long as the hash', () => {
  const text = 'a'.repeat(31) + 'é'; // 33 bytes of UTF-8
  const key = importSecret(text, { alg: 'HS256', kid: 'env' });
  assert.equal(key.keyObject.symmetricKeySize, 33);
  assert.equal(key.kid, 'env');
  assert.equal(key.type, 'secret');
  const bytes = randomBytes(64);
  const fromBytes = importSecret(new Uint8Array(bytes), { alg: 'HS512' });
  assert.deepEqual(fromBytes.keyObject.export(), bytes);
  assertPair(fromBytes, importSecret(bytes, { alg: 'HS512' }));
  assert.throws(() => importSecret('', { alg: 'HS256' }), code('ERR_KEY_WEAK'));
  assert.throws(() => importSecret(new Uint8Array(0), { alg: 'HS256' }), code('ERR_KEY_WEAK'));
  assert.throws(() => importSecret('a'.repeat(31), { alg: 'HS256' }), code('ERR_KEY_WEAK'));
  assert.throws(() => importSecret(randomBytes(63), { alg: 'HS512' }), code('ERR_KEY_WEAK'));
  assert.throws(() => importSecret('a'.repeat(32), { alg: 'RS256' as 'HS256' }), code('ERR_INVALID_OPTIONS'));
  assert.throws(() => importSecret(42 as never, { alg: 'HS256' }), code('ERR_KEY_INVALID'));
});

test('importKeyObject binds an existing KeyObject after the same checks', () => {
  const key = importKeyObject(ed.publicKey, { alg: 'EdDSA', kid: 'ko' });
  assert.equal(key.kid, 'ko');
  assert.equal(key.keyObject, ed.publicKey);
  assertPair(importKeyObject(ed.privateKey, { alg: 'EdDSA' }), key);
  assert.equal(importKeyObject(createPublicKey(rsa.privateKey), { alg: 'PS384' }).alg, 'PS384');
  assert.throws(() => importKeyObject(ed.publicKey, { alg: 'ES256' }), code('ERR_KEY_INVALID'));
  assert.throws(() => importKeyObject(ec.publicKey, { alg: 'HS256' }), code('ERR_KEY_INVALID'));
  assert.throws(
    () => importKeyObject(generateSecret('HS256').keyObject, { alg: 'RS256' }),
    code('ERR_KEY_INVALID'),
  );
  assert.throws(() => importKeyObject({} as never, { alg: 'ES256' }), code('ERR_KEY_INVALID'));
  assert.throws(() => importKeyObject(null as never, { alg: 'ES256' }), code('ERR_KEY_INVALID'));
});

test('RSA-PSS KeyObjects work for PS algorithms, unless their parameters forbid the alg', () => {
  const open = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
  for (const alg of ['PS256', 'PS384', 'PS512'] as const) {
    assertPair(importKeyObject(open.privateKey, { alg }), importKeyObject(open.publicKey, { alg }));
  }
  assert.throws(() => importKeyObject(open.publicKey, { alg: 'RS256' }), code('ERR_KEY_INVALID'));
  // @types/node types saltLength as a string; node:crypto wants a number.
  const restricted = (saltLength: number) =>
    generateKeyPairSync('rsa-pss', {
      modulusLength: 2048,
      hashAlgorithm: 'sha256',
      mgf1HashAlgorithm: 'sha256',
      saltLength: saltLength as unknown as string,
    });
  const sha256Only = restricted(32);
  assertPair(
    importKeyObject(sha256Only.privateKey, { alg: 'PS256' }),
    importKeyObject(sha256Only.publicKey, { alg: 'PS256' }),
  );
  // Restricted to SHA-256: binding it to PS384 would make every signature fail inside OpenSSL.
  for (const keyObject of [sha256Only.privateKey, sha256Only.publicKey]) {
    assert.throws(() => importKeyObject(keyObject, { alg: 'PS384' }), code('ERR_KEY_INVALID'));
  }
  const longSalt = restricted(64);
  assert.throws(() => importKeyObject(longSalt.privateKey, { alg: 'PS256' }), code('ERR_KEY_INVALID'));
});

test('a generated key survives export and import', () => {
  const { privateKey, publicKey } = generateKeyPair('ES384', { kid: 'round' });
  const imported = importJwk(exportJwk(publicKey));
  assert.equal(imported.alg, 'ES384');
  assert.equal(imported.kid, 'round');
  assertPair(privateKey, imported);
  assertPair(importJwk(exportJwk(privateKey, { private: true })), publicKey);
});

test('a private JWK whose public members belong to another key is refused', () => {
  const a = exportJwk(generateKeyPair('ES256').privateKey, { private: true });
  const b = exportJwk(generateKeyPair('ES256').privateKey, { private: true });
  assert.throws(() => importJwk({ ...a, x: b.x as string, y: b.y as string }), code('ERR_KEY_INVALID'));
  const ed = exportJwk(generateKeyPair('EdDSA').privateKey, { private: true });
  const other = exportJwk(generateKeyPair('EdDSA').publicKey);
  assert.throws(() => importJwk({ ...ed, x: other.x as string }), code('ERR_KEY_INVALID'));
  assert.equal(importJwk(a).type, 'private');
});

test('an Ed25519 JWK from WebCrypto (alg "Ed25519", RFC 9864) is bound to Ed25519, not EdDSA', async () => {
  const pair = (await webcrypto.subtle.generateKey({ name: 'Ed25519' }, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const jwk = (await webcrypto.subtle.exportKey('jwk', pair.publicKey)) as Jwk;
  assert.equal(jwk.alg, 'Ed25519');
  const key = importJwk(jwk);
  assert.equal(key.alg, 'Ed25519');
  const privateKey = importJwk((await webcrypto.subtle.exportKey('jwk', pair.privateKey)) as Jwk);
  assertPair(privateKey, key);
  // Same curve, other name: the binding refuses it (A23), both ways.
  const edDsa = generateKeyPair('EdDSA');
  const { alg: _, ...withoutAlg } = exportJwk(edDsa.publicKey);
  assert.equal(importJwk(withoutAlg).alg, 'EdDSA', 'an Ed25519 JWK without alg stays EdDSA');
  assert.throws(
    () => verifyJws(signJws('x', privateKey), edDsa.publicKey, { algorithms: ['EdDSA', 'Ed25519'] }),
    code('ERR_KEY_ALG_MISMATCH'),
  );
  assert.throws(
    () => verifyJws(signJws('x', edDsa.privateKey), key, { algorithms: ['EdDSA', 'Ed25519'] }),
    code('ERR_KEY_ALG_MISMATCH'),
  );
});
