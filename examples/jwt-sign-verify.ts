// jwt-sign-verify.ts: sign at login, verify on every request. npx tsx jwt-sign-verify.ts
import { createSigner, createVerifier, generateKeyPair } from '@tessera/jwt';

const { privateKey, publicKey } = generateKeyPair('EdDSA', { kid: 'k1' });
const issuer = 'https://auth.example.com';

const signer = createSigner({ key: privateKey, issuer, audience: 'api', expiresIn: '15m' });
const token = signer.sign({ sub: 'user-123', role: 'admin' }); // at login

const verifier = createVerifier({ keys: publicKey, algorithms: ['EdDSA'], issuer, audience: 'api' });
const { payload } = verifier.verify(token); // on every request; throws JwtError when invalid
console.log(payload.sub, payload.role); // user-123 admin
