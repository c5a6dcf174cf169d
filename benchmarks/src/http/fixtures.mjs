// What every bench:http server gets: claims, keys, the tokens and the key file a
// server process reads (src/http/server.mjs), and the probe run before timing.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonEqual, request } from '../lib/http-client.mjs';
import { rawSign } from '../lib/jws-raw.mjs';
import { tamperSignature } from '../lib/keys.mjs';
import { profilingArgs, startServer } from '../lib/servers.mjs';

const SERVER_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'server.mjs');

export const ISSUER = 'https://auth.example.com';
export const AUDIENCE = 'api';
/** The access-token-shaped claims (the guard requires sub; roles/permissions are string arrays). */
function makeClaims() {
  const iat = Math.floor(Date.now() / 1000);
  return {
    sub: 'user-123',
    role: 'admin',
    roles: ['admin'],
    permissions: [],
    iat,
    exp: iat + 3600,
    iss: ISSUER,
    aud: AUDIENCE,
  };
}

export function makeKeys() {
  const ed = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { secret: randomBytes(32), publicPem: ed.publicKey, privatePem: ed.privateKey };
}

/**
 * A DPoP key (ES256, the algorithm most DPoP clients use) for a case whose token is bound to it:
 * its private JWK for the load generator, and the thumbprint that goes into `cnf.jkt`.
 */
async function dpopKey() {
  const { exportJwk, generateKeyPair, jwkThumbprint } = await import('@tessera/jwt');
  const pair = generateKeyPair('ES256');
  return {
    key: pair.privateKey,
    privateJwk: exportJwk(pair.privateKey, { private: true }),
    jkt: jwkThumbprint(exportJwk(pair.publicKey)),
  };
}

/** A fresh DPoP proof for GET `url` with `token`. */
export async function dpopProof(dpop, url, token) {
  const { createDpopProof } = await import('@tessera/jwt');
  return createDpopProof(dpop.key, { htm: 'GET', htu: url, accessToken: token });
}

/** Fresh claims and tokens for one case (so a long run never meets exp), and the file the server reads. */
function prepareCase(dir, alg, keys, name, dpop) {
  const claims = makeClaims();
  if (dpop !== undefined) claims.cnf = { jkt: dpop.jkt };
  const signingKey = alg === 'HS256' ? keys.secret : keys.privatePem;
  const valid = rawSign(alg, signingKey, claims, { alg, typ: 'at+jwt' });
  const keyFile = join(dir, `${name.replace(/\W/g, '_')}.json`);
  writeFileSync(
    keyFile,
    JSON.stringify({
      issuer: ISSUER,
      audience: AUDIENCE,
      claims,
      secret: keys.secret.toString('base64url'),
      publicPem: keys.publicPem,
      privatePem: keys.privatePem,
    }),
    { mode: 0o600 },
  );
  return { claims, keyFile, tokens: { valid, tampered: tamperSignature(valid) } };
}

/**
 * A good token must give the claims (200); a tampered one 401 (200 without auth); no token 401 (200).
 * A DPoP-bound token: 200 with a fresh proof, 401 as Bearer and 401 with a replayed proof.
 */
export async function probe(port, server, claims, tokens, dpop) {
  const get = (authorization, extra = {}) =>
    request(port, { path: '/profile', headers: authorization ? { authorization, ...extra } : {} });
  if (dpop !== undefined) {
    const url = `http://127.0.0.1:${port}/profile`;
    const proof = await dpopProof(dpop, url, tokens.valid);
    const good = await get(`DPoP ${tokens.valid}`, { dpop: proof });
    if (good.status !== 200 || !jsonEqual(good.json, claims)) {
      throw new Error(`probe: DPoP token with a proof got ${good.status} ${good.text.slice(0, 300)}`);
    }
    const replay = await get(`DPoP ${tokens.valid}`, { dpop: proof });
    if (replay.status !== 401) throw new Error(`probe: a replayed proof got ${replay.status}`);
    const asBearer = await get(`Bearer ${tokens.valid}`);
    if (asBearer.status !== 401) throw new Error(`probe: the bound token as Bearer got ${asBearer.status}`);
    return;
  }
  const good = await get(`Bearer ${tokens.valid}`);
  if (good.status !== 200 || !jsonEqual(good.json, claims)) {
    throw new Error(`probe: good token got ${good.status} ${good.text.slice(0, 300)}`);
  }
  const expected = server.auth ? 401 : 200;
  const bad = await get(`Bearer ${tokens.tampered}`);
  if (bad.status !== expected)
    throw new Error(`probe: tampered token got ${bad.status}, expected ${expected}`);
  const none = await get(undefined);
  if (none.status !== expected) throw new Error(`probe: no token got ${none.status}, expected ${expected}`);
}

/**
 * Starts one server of SERVERS (cases.mjs) for `alg` in its own process, pinned per `plan`,
 * with fresh claims and tokens. Resolves with the process, its port, the claims and tokens.
 */
export async function startCaseServer(plan, dir, keys, alg, server, name) {
  const dpop = server.dpop ? await dpopKey() : undefined;
  const { claims, keyFile, tokens } = prepareCase(dir, alg, keys, name, dpop);
  const spec = { kind: server.kind, alg, keyFile, cache: server.cache, dpop: server.dpop === true };
  const proc = await startServer(plan, {
    script: SERVER_SCRIPT,
    args: [JSON.stringify(spec)],
    nodeArgs: profilingArgs(`http-${name}`),
    env: { ...process.env, NODE_ENV: 'production' },
    ready: /^READY (\d+)/,
    name,
  });
  return { proc, port: Number(proc.match[1]), claims, tokens, dpop };
}
