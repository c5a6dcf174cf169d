// One key set per benchmark run, shared by every case process through a temp
// file: a 32-byte HMAC secret, RSA-2048, EC P-256 and Ed25519, plus reference
// tokens made with raw node:crypto so that every verifier gets the same bytes.
import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  randomBytes,
} from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { b64urlJson, rawSign } from './jws-raw.mjs';

export const ALGS = ['HS256', 'RS256', 'ES256', 'EdDSA'];
export const ISSUER = 'https://auth.example.com';
export const AUDIENCE = 'api';
export const TOKEN_LIFETIME_S = 3600;

/** The benchmark claim set (benchmarks/README.md, Method). */
export function makePayload(iat) {
  return { sub: 'user-123', role: 'admin', iat, exp: iat + TOKEN_LIFETIME_S, iss: ISSUER, aud: AUDIENCE };
}

function pemPair(type, options) {
  return generateKeyPairSync(type, {
    ...options,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** Fresh key material as JSON-safe values (PEM strings, base64url secret). */
export function generateKeyMaterial() {
  const rsa = pemPair('rsa', { modulusLength: 2048 });
  const ec = pemPair('ec', { namedCurve: 'P-256' });
  const ed = pemPair('ed25519', {});
  return {
    HS256: { secret: randomBytes(32).toString('base64url') },
    RS256: { privatePem: rsa.privateKey, publicPem: rsa.publicKey },
    ES256: { privatePem: ec.privateKey, publicPem: ec.publicKey },
    EdDSA: { privatePem: ed.privateKey, publicPem: ed.publicKey },
  };
}

/** KeyObjects (and the raw forms) for one alg's material. */
export function materialize(alg, m) {
  if (alg === 'HS256') {
    const secret = Buffer.from(m.secret, 'base64url');
    const key = createSecretKey(secret);
    return { alg, secret, privateKey: key, publicKey: key };
  }
  return {
    alg,
    privatePem: m.privatePem,
    publicPem: m.publicPem,
    privateKey: createPrivateKey(m.privatePem),
    publicKey: createPublicKey(m.publicPem),
  };
}

/** Flip one character in the middle of the signature segment (always changes decoded bytes). */
export function tamperSignature(token) {
  const dot = token.lastIndexOf('.');
  const i = dot + 1 + ((token.length - dot - 1) >> 1);
  const c = token[i] === 'A' ? 'B' : 'A';
  return token.slice(0, i) + c + token.slice(i + 1);
}

/** Replace the payload with an elevated one, keeping the original signature. */
export function tamperPayload(token) {
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  return `${h}.${b64urlJson({ ...claims, role: 'superadmin' })}.${s}`;
}

/**
 * The reference token and the tokens every verifier must reject, for one alg.
 * All are made with raw node:crypto.
 */
export function makeTokens(alg, keys, payload) {
  const k = keys.privateKey;
  const valid = rawSign(alg, k, payload);
  // A token signed for a different alg: HS384 with the same secret for HMAC, and the
  // classic confusion attack (HS256 keyed with the public key PEM) for the others.
  const wrongAlg =
    alg === 'HS256'
      ? rawSign('HS384', keys.secret, payload)
      : rawSign('HS256', Buffer.from(keys.publicPem), payload);
  return {
    valid,
    reject: {
      tamperedPayload: tamperPayload(valid),
      tamperedSignature: tamperSignature(valid),
      wrongIssuer: rawSign(alg, k, { ...payload, iss: 'https://evil.example.com' }),
      wrongAudience: rawSign(alg, k, { ...payload, aud: 'other-api' }),
      expired: rawSign(alg, k, { ...payload, iat: payload.iat - 7200, exp: payload.iat - 3600 }),
      notYetValid: rawSign(alg, k, { ...payload, nbf: payload.iat + 1800 }),
      algNone: rawSign('none', null, payload, { alg: 'none', typ: 'JWT' }),
      wrongAlg,
      twoSegments: valid.slice(0, valid.lastIndexOf('.')),
    },
  };
}

/**
 * Generate the run's key set and tokens, write it to a private temp file.
 * Returns { path, dir, data, cleanup }; the directory is private to this run.
 */
export function createKeySetFile({ iat = Math.floor(Date.now() / 1000) } = {}) {
  const material = generateKeyMaterial();
  const payload = makePayload(iat);
  const tokens = {};
  for (const alg of ALGS) tokens[alg] = makeTokens(alg, materialize(alg, material[alg]), payload);
  const data = { createdAt: new Date(iat * 1000).toISOString(), payload, material, tokens };
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  const path = join(dir, 'keyset.json');
  writeFileSync(path, JSON.stringify(data), { mode: 0o600 });
  return { path, dir, data, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Read a key set file written by createKeySetFile; keys come back as KeyObjects. */
export function loadKeySet(path) {
  const data = JSON.parse(readFileSync(path, 'utf8'));
  const keys = {};
  for (const alg of ALGS) keys[alg] = materialize(alg, data.material[alg]);
  return { payload: data.payload, keys, tokens: data.tokens, createdAt: data.createdAt };
}

/** Seconds left before the reference tokens expire. */
export function tokenSecondsLeft(payload) {
  return payload.exp - Math.floor(Date.now() / 1000);
}
