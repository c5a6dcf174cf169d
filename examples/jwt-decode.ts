// jwt-decode.ts: reading a token without verifying it. npx tsx jwt-decode.ts
import { generateKeyPair, signJwt } from '@tessera/jwt';

const token = signJwt({ sub: 'user-123' }, generateKeyPair('EdDSA').privateKey, { expiresIn: '1h' });

// #region readme
import { decodeJwtUnverified } from '@tessera/jwt';

const { header, payload } = decodeJwtUnverified(token); // for display and debugging only
// #endregion readme

console.log(header.alg, payload.sub); // EdDSA user-123
