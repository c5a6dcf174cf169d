import { JwtError } from '../errors.js';
import type { JwsHeader } from '../jws/types.js';
import { checkNow, toSeconds } from '../lib/time.js';
import type { JwtClaims, VerifyOptions } from './types.js';

const MAX_TOLERANCE = 60;

/** VerifyOptions checked once and turned into what the hot path needs. */
export interface ClaimRules {
  readonly issuer: readonly string[] | undefined;
  readonly audience: readonly string[] | undefined;
  readonly subject: string | undefined;
  readonly typ: string | undefined;
  readonly required: readonly string[];
  readonly requireExp: boolean;
  readonly tolerance: number;
  readonly maxTokenAge: number | undefined;
  readonly now: Date | undefined;
}

/** Validates the claim options; throws ERR_INVALID_OPTIONS on anything odd. */
export function compileRules(opts: VerifyOptions): ClaimRules {
  const tolerance = opts.clockTolerance === undefined ? 0 : toSeconds(opts.clockTolerance, 'clockTolerance');
  if (tolerance > MAX_TOLERANCE)
    throw new JwtError('ERR_INVALID_OPTIONS', 'clockTolerance is at most 60 seconds');
  checkNow(opts.now);
  if (opts.requiredClaims !== undefined && !isStringList(opts.requiredClaims, true)) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'requiredClaims must be a list of claim names');
  }
  if (opts.subject !== undefined && typeof opts.subject !== 'string') {
    throw new JwtError('ERR_INVALID_OPTIONS', 'subject must be a string');
  }
  if (opts.typ !== undefined && (typeof opts.typ !== 'string' || opts.typ === '')) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'typ must be a non-empty string');
  }
  return {
    issuer: stringList(opts.issuer, 'issuer'),
    audience: stringList(opts.audience, 'audience'),
    subject: opts.subject,
    typ: opts.typ === undefined ? undefined : normalizeTyp(opts.typ),
    required: opts.requiredClaims ?? [],
    requireExp: opts.requireExp ?? true,
    tolerance,
    maxTokenAge: opts.maxTokenAge === undefined ? undefined : toSeconds(opts.maxTokenAge, 'maxTokenAge'),
    now: opts.now,
  };
}

function isStringList(value: unknown, allowEmpty: boolean): value is string[] {
  return (
    Array.isArray(value) &&
    (allowEmpty || value.length > 0) &&
    value.every((v) => typeof v === 'string' && v.length > 0)
  );
}

function stringList(value: unknown, name: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length > 0) return [value];
  if (isStringList(value, false)) return [...value];
  throw new JwtError('ERR_INVALID_OPTIONS', `${name} must be a non-empty string or list of strings`);
}

/** Media types compare case-insensitively, and `application/` may be left out (RFC 7515 §4.1.9). */
export function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice(12) : lower;
}

/** Checks the `typ` header against the rule; depends on the header only, so results can be cached with it. */
export function checkTyp(header: JwsHeader, rules: ClaimRules): void {
  if (rules.typ === undefined) return;
  const typ = Object.hasOwn(header, 'typ') ? header.typ : undefined;
  if (typeof typ !== 'string' || normalizeTyp(typ) !== rules.typ) {
    throw new JwtError('ERR_JWT_CLAIM_INVALID', 'unexpected typ header', { claim: 'typ' });
  }
}

function own(payload: JwtClaims, name: string): unknown {
  return Object.hasOwn(payload, name) ? payload[name] : undefined;
}

function numericDate(payload: JwtClaims, name: string): number | undefined {
  const value = own(payload, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new JwtError('ERR_JWT_CLAIM_INVALID', `${name} must be a finite number`, { claim: name });
  }
  return value;
}

function optionalString(payload: JwtClaims, name: string): string | undefined {
  const value = own(payload, name);
  if (value !== undefined && typeof value !== 'string') {
    throw new JwtError('ERR_JWT_CLAIM_INVALID', `${name} must be a string`, { claim: name });
  }
  return value;
}

/**
 * Checks the registered claims: types always, values against the rules. Time
 * checks follow RFC 7519: the current time (`now`, epoch seconds) must be before
 * `exp` and not before `nbf`.
 */
export function checkClaims(payload: JwtClaims, rules: ClaimRules, now: number): void {
  const tolerance = rules.tolerance;
  const exp = numericDate(payload, 'exp');
  if (exp === undefined) {
    if (rules.requireExp) throw new JwtError('ERR_JWT_CLAIM_INVALID', 'exp is required', { claim: 'exp' });
  } else if (now >= exp + tolerance) {
    throw new JwtError('ERR_JWT_EXPIRED', 'token has expired', { claim: 'exp' });
  }
  const nbf = numericDate(payload, 'nbf');
  if (nbf !== undefined && now + tolerance < nbf) {
    throw new JwtError('ERR_JWT_NOT_YET_VALID', 'token is not valid yet', { claim: 'nbf' });
  }
  const iat = numericDate(payload, 'iat');
  if (rules.maxTokenAge !== undefined) {
    if (iat === undefined) throw new JwtError('ERR_JWT_CLAIM_INVALID', 'iat is required', { claim: 'iat' });
    const age = now - iat;
    if (age < -tolerance)
      throw new JwtError('ERR_JWT_CLAIM_INVALID', 'iat is in the future', { claim: 'iat' });
    if (age - tolerance > rules.maxTokenAge) {
      throw new JwtError('ERR_JWT_EXPIRED', 'token is older than maxTokenAge', { claim: 'iat' });
    }
  }
  const iss = optionalString(payload, 'iss');
  if (rules.issuer !== undefined && (iss === undefined || !rules.issuer.includes(iss))) {
    throw new JwtError('ERR_JWT_CLAIM_INVALID', 'unexpected iss', { claim: 'iss' });
  }
  const sub = optionalString(payload, 'sub');
  if (rules.subject !== undefined && sub !== rules.subject) {
    throw new JwtError('ERR_JWT_CLAIM_INVALID', 'unexpected sub', { claim: 'sub' });
  }
  optionalString(payload, 'jti');
  checkAudience(own(payload, 'aud'), rules.audience);
  for (const claim of rules.required) {
    if (own(payload, claim) === undefined) {
      throw new JwtError('ERR_JWT_CLAIM_INVALID', `${claim} is required`, { claim });
    }
  }
}

function checkAudience(aud: unknown, expected: readonly string[] | undefined): void {
  if (aud === undefined) {
    if (expected !== undefined)
      throw new JwtError('ERR_JWT_CLAIM_INVALID', 'aud is required', { claim: 'aud' });
    return;
  }
  if (typeof aud === 'string') {
    if (expected === undefined || expected.includes(aud)) return;
  } else if (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) {
    if (expected === undefined || aud.some((a: string) => expected.includes(a))) return;
  } else {
    throw new JwtError('ERR_JWT_CLAIM_INVALID', 'aud must be a string or a list of strings', {
      claim: 'aud',
    });
  }
  throw new JwtError('ERR_JWT_CLAIM_INVALID', 'unexpected aud', { claim: 'aud' });
}
