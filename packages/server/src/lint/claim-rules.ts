import { describeEpoch, formatDuration } from '../cli/format.js';
import { type Finding, finding } from './findings.js';
import { isSensitiveClaimName, looksLikeCardNumber, looksLikeSsn } from './sensitive.js';

const HOUR = 3600;
const DAY = 24 * HOUR;
/** Epoch seconds past the year 5000: such a value is milliseconds by mistake. */
const MILLISECONDS_THRESHOLD = 1e11;
const MAX_DEPTH = 8;
const MAX_NODES = 10_000;

/**
 * Checks the claims: expiry and lifetime, issued-at, audience, issuer, and
 * data that must never sit in a readable payload. `now` is epoch seconds.
 *
 * @example
 * lintClaims({ sub: '1' }, Date.now() / 1000).map((f) => f.code); // ['TL002', 'TL007', 'TL008', 'TL009']
 */
export function lintClaims(payload: Record<string, unknown>, now: number): Finding[] {
  return [...lintTimes(payload, now), ...lintParties(payload), ...lintSensitive(payload)];
}

function lintTimes(payload: Record<string, unknown>, now: number): Finding[] {
  const out: Finding[] = [];
  const times: Partial<Record<'exp' | 'iat' | 'nbf', number>> = {};
  for (const name of ['exp', 'iat', 'nbf'] as const) {
    const value = payload[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      out.push(finding('TL020', 'error', `${name} is not a number of seconds since the epoch`, name));
    } else if (value > MILLISECONDS_THRESHOLD) {
      out.push(finding('TL020', 'error', `${name} looks like milliseconds: JWT times are in seconds`, name));
    } else {
      times[name] = value;
    }
  }
  const { exp, iat, nbf } = times;

  if (payload.exp === undefined) {
    out.push(
      finding(
        'TL002',
        'error',
        'no exp: the token never expires, so a stolen copy works forever; give access tokens minutes',
        'exp',
      ),
    );
  }
  if (payload.iat === undefined) {
    out.push(finding('TL007', 'warn', 'no iat: the token age cannot be checked (maxTokenAge)', 'iat'));
  }

  if (exp !== undefined && iat !== undefined && exp <= iat) {
    out.push(finding('TL020', 'error', 'exp is not after iat: the token was born expired', 'exp'));
  } else if (exp !== undefined) {
    const lifetime = iat === undefined ? exp - now : exp - iat;
    const basis = iat === undefined ? 'exp − now, as there is no iat' : 'exp − iat';
    if (lifetime > HOUR) {
      out.push(
        finding(
          'TL003',
          lifetime > DAY ? 'error' : 'warn',
          `the token lives ${formatDuration(lifetime)} (${basis}): keep access tokens to 1 h or less ` +
            'and use refresh tokens for long sessions',
          'exp',
        ),
      );
    }
  }

  if (exp !== undefined && exp <= now) {
    out.push(finding('TL016', 'info', `expired at ${describeEpoch(exp, now)}`, 'exp'));
  }
  if (nbf !== undefined && nbf > now) {
    out.push(finding('TL016', 'info', `not valid before ${describeEpoch(nbf, now)}`, 'nbf'));
  }
  return out;
}

function lintParties(payload: Record<string, unknown>): Finding[] {
  const out: Finding[] = [];
  const aud = payload.aud;
  if (aud === undefined || aud === '' || (Array.isArray(aud) && aud.length === 0)) {
    out.push(
      finding(
        'TL008',
        'warn',
        'no aud: every service that trusts this issuer would accept the token; name its audience',
        'aud',
      ),
    );
  }
  if (payload.iss === undefined || payload.iss === '') {
    out.push(finding('TL009', 'warn', 'no iss: verifiers cannot check who issued the token', 'iss'));
  }
  return out;
}

/** Walks every claim, nested ones too; reports names and values, never the values themselves. */
function lintSensitive(payload: Record<string, unknown>): Finding[] {
  const out: Finding[] = [];
  let nodes = 0;
  const visit = (value: unknown, path: string, depth: number) => {
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) return;
    if (typeof value === 'string' || typeof value === 'number') {
      if (looksLikeCardNumber(value)) {
        out.push(finding('TL013', 'error', `${path} holds what looks like a payment card number`, path));
      } else if (typeof value === 'string' && looksLikeSsn(value)) {
        out.push(finding('TL013', 'error', `${path} holds what looks like a social security number`, path));
      }
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const entries: [string, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [`[${i}]`, v])
      : Object.entries(value);
    for (const [key, child] of entries) {
      const childPath = Array.isArray(value) ? `${path}${key}` : path === '' ? key : `${path}.${key}`;
      if (!Array.isArray(value) && isSensitiveClaimName(key) && isPresent(child)) {
        out.push(
          finding(
            'TL004',
            'error',
            `claim ${childPath} looks sensitive: a JWT payload is readable by anyone who holds the token ` +
              '(base64, not encryption); keep an opaque id in the token and the data on the server',
            childPath,
          ),
        );
        continue;
      }
      if (depth === 0 && (key === 'exp' || key === 'iat' || key === 'nbf')) continue;
      visit(child, childPath, depth + 1);
    }
  };
  visit(payload, '', 0);
  return out;
}

/** A boolean flag like `has_password: true` reveals nothing. */
function isPresent(value: unknown): boolean {
  return value !== null && value !== undefined && typeof value !== 'boolean' && value !== '';
}
