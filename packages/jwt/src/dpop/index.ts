export { type CreateDpopProofOptions, createDpopProof } from './create.js';
export { accessTokenHash, normalizeHtu } from './htu.js';
export {
  checkDpopReplay,
  createMemoryReplayCache,
  type DpopReplayCache,
  type MemoryReplayCacheOptions,
} from './replay-cache.js';
export { type VerifiedDpopProof, type VerifyDpopProofOptions, verifyDpopProof } from './verify.js';
