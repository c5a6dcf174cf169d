export {
  accessTokenHash,
  type CreateDpopProofOptions,
  checkDpopReplay,
  createDpopProof,
  createMemoryReplayCache,
  type DpopReplayCache,
  type MemoryReplayCacheOptions,
  normalizeHtu,
  type VerifiedDpopProof,
  type VerifyDpopProofOptions,
  verifyDpopProof,
} from './dpop/index.js';
export { isJwtError, JWT_ERROR_CODES, JwtError, type JwtErrorCode } from './errors.js';
export { exportJwk, jwkThumbprint } from './jwk/export.js';
export { generateKeyPair, generateSecret } from './jwk/generate.js';
export { importJwk, importKeyObject, importPem, importSecret } from './jwk/import.js';
export { Key } from './jwk/key.js';
export type { Jwk, Jwks } from './jwk/types.js';
export { createKeySet, KeySet } from './jwks/key-set.js';
export { createRemoteKeySet, RemoteKeySet, type RemoteKeySetOptions } from './jwks/remote.js';
export { signJws } from './jws/sign.js';
export type { JwsHeader } from './jws/types.js';
export { type VerifyJwsOptions, verifyJws } from './jws/verify.js';
export { decodeJwtUnverified } from './jwt/decode.js';
export { createSigner, type Signer, signJwt } from './jwt/sign.js';
export type { JwtClaims, SignOptions, VerifiedJwt, VerifyOptions } from './jwt/types.js';
export {
  createVerifier,
  type RemoteVerifier,
  type Verifier,
  type VerifyCacheOptions,
  verifyJwt,
} from './jwt/verify.js';
export { type Alg, type HmacAlg, isAlg } from './lib/algs.js';
