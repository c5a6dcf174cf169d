/**
 * @packageDocumentation
 * `@tessera/jwt/internal`: the small primitives that @tessera/guard and
 * @tessera/server share with this package (duration parsing, URL and header
 * checks, the capped body reader, Bearer parsing and challenges, the alg
 * table), kept in one place so that a fix lands everywhere at once.
 *
 * NOT a public API: not covered by semver, may change in any release. Other
 * code should use the package's main entry point.
 */
export { DEFAULT_MAX_TOKEN_LENGTH } from '../jws/compact.js';
export { ALGS, type AlgSpec, isHmacAlg } from '../lib/algs.js';
export {
  type BearerError,
  bearerChallenge,
  bearerCredentials,
  type DpopChallengeError,
  dpopChallenge,
  isToken68,
  schemeCredentials,
} from '../lib/bearer.js';
export { invalidHeaderName, isHttpToken } from '../lib/headers.js';
export { type HttpUrlProblem, parseHttpUrl } from '../lib/http-url.js';
export {
  CappedReadError,
  type CappedReadFailure,
  readCapped,
  readCappedText,
} from '../lib/read-capped.js';
export { toSeconds } from '../lib/time.js';
