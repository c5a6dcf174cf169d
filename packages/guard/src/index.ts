export type { AuthContext } from './auth-context.js';
export { type CompiledRequirement, compileRequirement, type Requirement } from './authorize.js';
export type { DpopRequest } from './dpop/check.js';
export {
  createRedisReplayCache,
  type RedisReplayCacheOptions,
  type RedisSetNxClient,
} from './dpop/redis-replay-cache.js';
export {
  type ChallengeSchemes,
  type Challenges,
  GUARD_ERROR_CODES,
  GuardError,
  type GuardErrorCode,
  type GuardReason,
} from './errors.js';
export {
  GUARD_FAILURE_CODES,
  type GuardFailureCode,
  GuardOptionsError,
  GuardRuntimeError,
} from './failures.js';
export { createGuard, type Guard, type GuardStatus } from './guard.js';
export type { GuardCacheOptions, GuardDpopOptions, GuardOptions, RevocationOptions } from './options.js';
export type { RevocationStatus } from './revocation/feed.js';
export type { Cursor, RevocationPage } from './revocation/fetch-page.js';
export type { RevocationEntry } from './revocation/list.js';
