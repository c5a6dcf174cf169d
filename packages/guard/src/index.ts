export type { AuthContext } from './auth-context.js';
export { type CompiledRequirement, compileRequirement, type Requirement } from './authorize.js';
export {
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
export type { GuardCacheOptions, GuardOptions, RevocationOptions } from './options.js';
export type { RevocationStatus } from './revocation/feed.js';
export type { Cursor, RevocationPage } from './revocation/fetch-page.js';
export type { RevocationEntry } from './revocation/list.js';
