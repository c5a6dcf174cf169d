// jwt-dpop.ts: a DPoP proof made by a client and checked by a resource server. npx tsx jwt-dpop.ts
import { generateKeyPair as generateIssuerKey, signJwt } from '@tessera/jwt';

const issuerKey = generateIssuerKey('EdDSA').privateKey;

// #region readme
import {
  checkDpopReplay,
  createDpopProof,
  createMemoryReplayCache,
  generateKeyPair,
  jwkThumbprint,
  verifyDpopProof,
} from '@tessera/jwt';

// Client: one key pair for the session; one proof per request.
const { privateKey, publicKey } = generateKeyPair('ES256');
const jkt = jwkThumbprint(publicKey); // what the server puts in cnf.jkt
const accessToken = signJwt({ sub: 'user-123', cnf: { jkt } }, issuerKey, { expiresIn: '10m' });
const proof = createDpopProof(privateKey, { htm: 'GET', htu: 'https://api.example.com/orders', accessToken });

// Resource server: the proof must be for this request, this token and the token's key.
const replays = createMemoryReplayCache(); // bounded; see below
const verified = verifyDpopProof(proof, {
  htm: 'GET',
  htu: 'https://api.example.com/orders', // the public URL: behind a proxy, the public base URL plus the path
  algorithms: ['ES256', 'EdDSA'],
  accessToken,
  expectedJkt: jkt, // from the verified access token's cnf.jkt
});
checkDpopReplay(replays, verified); // throws ERR_DPOP_REPLAY the second time
// #endregion readme

try {
  checkDpopReplay(replays, verified);
} catch (err) {
  console.log(verified.jkt === jkt, (err as { code: string }).code); // true ERR_DPOP_REPLAY
}
