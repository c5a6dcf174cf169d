// jwt-verifying.ts: a verifier for many tokens, or one token at once. npx tsx jwt-verifying.ts
import { createSigner, generateKeyPair } from '@tessera/jwt';

const { privateKey, publicKey } = generateKeyPair('ES256', { kid: '2026-11' });
const token = createSigner({
  key: privateKey,
  typ: 'at+jwt',
  issuer: 'https://auth.example.com',
  audience: 'api',
  expiresIn: '10m',
}).sign({ sub: 'user-123' });

// #region readme
import { createVerifier, verifyJwt } from '@tessera/jwt';

const verifier = createVerifier({
  keys: publicKey, // a Key, a KeySet, or a RemoteKeySet (then verify is async)
  algorithms: ['ES256'], // required
  issuer: 'https://auth.example.com',
  audience: 'api', // one of the token's aud values must match
  typ: 'at+jwt', // media-type comparison: also accepts application/at+jwt
  requiredClaims: ['sub'], // exp is required anyway unless requireExp: false
  clockTolerance: '30s', // at most 60 s
  maxTokenAge: '1h', // against iat
  cache: true, // optional verified-token cache (below)
});
const { header, payload } = verifier.verify(token);

verifyJwt(token, publicKey, { algorithms: ['ES256'] }); // one-off
// #endregion readme

console.log(header.alg, payload.sub); // ES256 user-123
