// jwt-keys.ts: making, importing and exporting keys. npx tsx jwt-keys.ts
import { generateKeyPairSync, randomBytes } from 'node:crypto';

// What the README's lines take from elsewhere: a PEM file's content and the environment.
const publicKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();
process.env.JWT_SECRET ??= randomBytes(32).toString('hex');

// #region readme
import {
  exportJwk,
  generateKeyPair,
  generateSecret,
  importJwk,
  importPem,
  importSecret,
  jwkThumbprint,
} from '@tessera/jwt';

const { privateKey, publicKey } = generateKeyPair('ES256', { kid: '2026-11' }); // RS*/PS*: RSA-2048
const hmac = generateSecret('HS256'); // 32 random bytes

const fromJwk = importJwk({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }); // alg: EdDSA
const fromPem = importPem(publicKeyPem, { alg: 'RS256', kid: 'main' }); // SPKI, PKCS#8 or an X.509 certificate
const fromEnv = importSecret(process.env.JWT_SECRET ?? '', { alg: 'HS256' }); // refused if shorter than 32 bytes

exportJwk(publicKey); // { kty, crv, x, y, alg, use: 'sig', kid } — public members only
exportJwk(privateKey, { private: true }); // with d: only when asked
jwkThumbprint(publicKey); // RFC 7638, base64url SHA-256
// #endregion readme

console.log([hmac, fromJwk, fromPem, fromEnv].map((key) => `${key.alg} ${key.type}`).join(', '));
