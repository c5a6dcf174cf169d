import { randomBytes } from 'node:crypto';
import { JwtError } from '../errors.js';
import { Key } from '../jwk/key.js';
import { encodeHeader } from '../jws/header.js';
import { checkNow, epochSeconds, toSeconds } from '../lib/time.js';
import type { JwtClaims, SignOptions } from './types.js';

/** A reusable signer made by createSigner. */
export interface Signer {
  /** Signs a claims set; the claims object is never modified. */
  sign(claims: JwtClaims): string;
}

const TIME_CLAIMS = ['exp', 'nbf', 'iat'] as const;

/**
 * Makes a signer: options are checked once and the header is encoded once, so
 * each `sign` only serializes the claims and runs the primitive. `iat` is set
 * unless the claims carry one; `exp` and `nbf` come from `expiresIn` and
 * `notBefore`, relative to `iat`.
 *
 * @example
 * const signer = createSigner({ key: privateKey, issuer: 'https://auth.example.com', audience: 'api', expiresIn: '10m' });
 * const token = signer.sign({ sub: user.id, roles: ['user'] });
 */
export function createSigner(opts: SignOptions & { key: Key }): Signer {
  const key = opts?.key;
  if (!(key instanceof Key)) throw new JwtError('ERR_INVALID_OPTIONS', 'key must be a Key');
  if (opts.alg !== undefined && opts.alg !== key.alg) {
    throw new JwtError('ERR_KEY_ALG_MISMATCH', "alg is not the key's alg");
  }
  const header: Record<string, unknown> = { typ: opts.typ ?? 'JWT' };
  if (opts.kid !== undefined) header.kid = opts.kid;
  const headerSegment = encodeHeader(key, header);
  const sign = key.sign as (input: string) => string;
  const expiresIn = opts.expiresIn === undefined ? undefined : toSeconds(opts.expiresIn, 'expiresIn');
  const notBefore = opts.notBefore === undefined ? undefined : toSeconds(opts.notBefore, 'notBefore');
  checkNow(opts.now);
  const fixed = fixedClaims(opts);
  const jwtId = opts.jwtId;
  const now = opts.now;

  return {
    sign(claims: JwtClaims): string {
      if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
        throw new JwtError('ERR_INVALID_OPTIONS', 'claims must be an object');
      }
      // A toJSON would serialize something other than the object checked below: a non-object
      // (malformed token) or claims that duplicate the ones the options add.
      if (typeof (claims as { toJSON?: unknown }).toJSON === 'function') {
        throw new JwtError('ERR_INVALID_OPTIONS', 'claims must be a plain object without toJSON');
      }
      for (const name of TIME_CLAIMS) {
        const value = Object.hasOwn(claims, name) ? claims[name] : undefined;
        if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
          throw new JwtError('ERR_INVALID_OPTIONS', `claim ${name} must be a finite number`);
        }
      }
      if (Object.hasOwn(claims, '__proto__'))
        throw new JwtError('ERR_INVALID_OPTIONS', 'claims must not have __proto__');
      let extra = '';
      let iat = Object.hasOwn(claims, 'iat') ? claims.iat : undefined;
      if (iat === undefined) {
        iat = Math.floor(epochSeconds(now));
        extra += `,"iat":${iat}`;
      }
      if (expiresIn !== undefined) extra += `,"exp":${timeClaim(claims, 'exp', iat + expiresIn)}`;
      if (notBefore !== undefined) extra += `,"nbf":${timeClaim(claims, 'nbf', iat + notBefore)}`;
      for (const [name, json] of fixed) {
        if (Object.hasOwn(claims, name))
          throw new JwtError('ERR_INVALID_OPTIONS', `claim ${name} is also set by an option`);
        extra += `,"${name}":${json}`;
      }
      if (jwtId === true) {
        if (Object.hasOwn(claims, 'jti'))
          throw new JwtError('ERR_INVALID_OPTIONS', 'claim jti is also set by an option');
        extra += `,"jti":"${randomBytes(16).toString('base64url')}"`;
      }
      let json: string;
      try {
        json = JSON.stringify(claims);
      } catch (cause) {
        throw new JwtError('ERR_INVALID_OPTIONS', 'claims are not JSON-serializable', { cause });
      }
      if (extra !== '') json = json === '{}' ? `{${extra.slice(1)}}` : `${json.slice(0, -1)}${extra}}`;
      const signingInput = `${headerSegment}.${Buffer.from(json).toString('base64url')}`;
      return `${signingInput}.${sign(signingInput)}`;
    },
  };
}

function timeClaim(claims: JwtClaims, name: 'exp' | 'nbf', value: number): number {
  if (Object.hasOwn(claims, name))
    throw new JwtError('ERR_INVALID_OPTIONS', `claim ${name} is also set by an option`);
  return value;
}

/** The JSON text of claims that come from options, prepared once. */
function fixedClaims(opts: SignOptions): [string, string][] {
  const out: [string, string][] = [];
  const add = (name: string, value: unknown, ok: boolean) => {
    if (value === undefined) return;
    if (!ok) throw new JwtError('ERR_INVALID_OPTIONS', `the option for ${name} has the wrong type`);
    out.push([name, JSON.stringify(value)]);
  };
  add('iss', opts.issuer, typeof opts.issuer === 'string');
  add('sub', opts.subject, typeof opts.subject === 'string');
  add(
    'aud',
    opts.audience,
    typeof opts.audience === 'string' ||
      (Array.isArray(opts.audience) && opts.audience.every((a) => typeof a === 'string')),
  );
  if (opts.jwtId !== undefined && opts.jwtId !== true) add('jti', opts.jwtId, typeof opts.jwtId === 'string');
  return out;
}

/**
 * Signs a claims set in one call. For many tokens with the same options,
 * `createSigner` is faster.
 *
 * @example
 * const token = signJwt({ sub: 'user-123', role: 'admin' }, privateKey, {
 *   issuer: 'https://auth.example.com', audience: 'api', expiresIn: '10m',
 * });
 */
export function signJwt(claims: JwtClaims, key: Key, opts: SignOptions = {}): string {
  return createSigner({ ...opts, key }).sign(claims);
}
