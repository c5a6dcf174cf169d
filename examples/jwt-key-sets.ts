// jwt-key-sets.ts: a local key set, and the auth server's JWKS fetched and cached.
// With the auth server running: ACCESS=<an access token from POST /auth/login> npx tsx jwt-key-sets.ts
import { exportJwk, generateKeyPair } from '@tessera/jwt';

const jwksJson = JSON.stringify({ keys: [exportJwk(generateKeyPair('EdDSA', { kid: 'k1' }).publicKey)] });
const issuer = process.env.TESSERA_ISSUER ?? 'http://127.0.0.1:3000'; // the auth server
const token = process.env.ACCESS ?? '';

// #region readme
import { createKeySet, createRemoteKeySet, createVerifier } from '@tessera/jwt';

const local = createKeySet(JSON.parse(jwksJson)); // or createKeySet([key1, key2])

const jwks = createRemoteKeySet(`${issuer}/.well-known/jwks.json`, {
  timeoutMs: 5000, // defaults shown
  maxResponseBytes: 524288,
  cacheMaxAgeMs: 600000, // when the response has no Cache-Control max-age
  cooldownMs: 30000, // least time between refetches for unknown kids
});
const verifier = createVerifier({ keys: jwks, algorithms: ['EdDSA'], issuer, audience: 'tessera' });
const { payload } = await verifier.verify(token); // fetches the JWKS when needed
verifier.verifySync(token); // keys already fetched: no promise
// #endregion readme

console.log(local.keys.length, payload.sub);
