// jwt-errors.ts: one error class with stable codes. npx tsx jwt-errors.ts
import { createSigner, createVerifier, generateKeyPair } from '@tessera/jwt';

const { privateKey, publicKey } = generateKeyPair('EdDSA');
const verifier = createVerifier({ keys: publicKey, algorithms: ['EdDSA'] });
const token = createSigner({ key: privateKey, expiresIn: 1 }).sign({ sub: 'user-123', iat: 1_000_000_000 }); // expired

// #region readme
import { JwtError } from '@tessera/jwt';

try {
  verifier.verify(token);
} catch (err) {
  if (!(err instanceof JwtError)) throw err;
  switch (err.code) {
    case 'ERR_JWT_EXPIRED':
      console.log('expired: refresh'); // refresh
      break;
    case 'ERR_JWT_CLAIM_INVALID':
      console.log(err.claim);
      break;
    default: // 401
  }
}
// #endregion readme
