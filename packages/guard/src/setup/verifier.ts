import {
  createRemoteKeySet,
  createVerifier,
  JwtError,
  KeySet,
  type RemoteKeySet,
  type RemoteVerifier,
  type Verifier,
  type VerifyOptions,
} from '@tessera/jwt';
import { toSeconds } from '@tessera/jwt/internal';
import { type GuardOptions, optionError } from '../options.js';

/** The verifier of a guard: local keys (always synchronous) or a remote JWKS. */
export type GuardVerifier =
  | { readonly remote: undefined; readonly verifier: Verifier }
  | { readonly remote: RemoteKeySet; readonly verifier: RemoteVerifier };

/**
 * Builds the @tessera/jwt verifier once, with the access-token rules: the
 * alg allow-list, `iss`, `aud`, `typ` (`at+jwt` unless told otherwise), a
 * required `sub`, and the verified-token cache (on by default). Option errors
 * of @tessera/jwt become the guard's startup TypeError.
 */
export function buildVerifier(opts: GuardOptions): GuardVerifier {
  const rules: VerifyOptions = {
    algorithms: opts.algorithms,
    issuer: opts.issuer,
    audience: opts.audience,
    typ: opts.typ ?? 'at+jwt',
    requiredClaims: ['sub'],
  };
  if (opts.clockTolerance !== undefined) rules.clockTolerance = opts.clockTolerance;
  if (opts.maxTokenAge !== undefined) rules.maxTokenAge = opts.maxTokenAge;
  if (opts.maxTokenLength !== undefined) rules.maxTokenLength = opts.maxTokenLength;
  const cache = opts.cache ?? true;
  try {
    if (opts.jwksUri !== undefined) {
      const remote = createRemoteKeySet(opts.jwksUri, opts.jwks);
      return { remote, verifier: createVerifier({ ...rules, keys: remote, cache }) };
    }
    const keys = opts.keys;
    if (keys instanceof KeySet && !keys.keys.some((key) => opts.algorithms.includes(key.alg))) {
      throw optionError('no key in keys has an algorithm listed in algorithms');
    }
    return {
      remote: undefined,
      verifier: createVerifier({ ...rules, keys: keys as NonNullable<typeof keys>, cache }),
    };
  } catch (err) {
    if (err instanceof JwtError) throw optionError(err.message);
    throw err;
  }
}

/** clockTolerance in seconds (already validated by createVerifier). */
export function toleranceSeconds(value: number | string | undefined): number {
  return value === undefined ? 0 : toSeconds(value, 'clockTolerance');
}
