// jwt-signing.ts: a signer for many tokens, or one token at once. npx tsx jwt-signing.ts
import { generateKeyPair } from '@tessera/jwt';

const { privateKey } = generateKeyPair('ES256', { kid: '2026-11' });

// #region readme
import { createSigner, signJwt } from '@tessera/jwt';

const signer = createSigner({
  key: privateKey, // alg and kid come from the key
  typ: 'at+jwt', // default 'JWT'
  issuer: 'https://auth.example.com',
  audience: ['api', 'admin'],
  expiresIn: '10m', // seconds, or 'Ns' 'Nm' 'Nh' 'Nd' — anything else throws
  notBefore: 0,
  jwtId: true, // random 128-bit jti
});
const token = signer.sign({ sub: 'user-123', roles: ['user'] }); // iat added unless given

signJwt({ sub: 'user-123' }, privateKey, { expiresIn: '1h' }); // one-off
// #endregion readme

console.log(token.split('.').length); // 3
