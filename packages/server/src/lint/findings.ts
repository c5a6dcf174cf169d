/** How bad a finding is: `error` makes `tessera token lint` exit 1. */
export type Severity = 'error' | 'warn' | 'info';

/**
 * Every lint rule, by stable code. Codes never change meaning and are never
 * reused; the name is the human handle (`TL001 alg-none`).
 *
 * @example
 * LINT_RULES.TL001.name; // 'alg-none'
 */
export const LINT_RULES = {
  TL000: { name: 'malformed', summary: 'not a compact JWS (three base64url JSON segments)' },
  TL001: { name: 'alg-none', summary: 'alg "none" in any letter case: an unsigned token anyone can forge' },
  TL002: { name: 'missing-exp', summary: 'no exp: the token never expires' },
  TL003: { name: 'long-lifetime', summary: 'an access token living over 1 h (error over 24 h)' },
  TL004: { name: 'sensitive-claim', summary: 'a claim named like a password, secret, card number or SSN' },
  TL005: {
    name: 'weak-secret',
    summary: 'an HMAC secret shorter than the hash (32/48/64 bytes) or repetitive',
  },
  TL006: { name: 'common-secret', summary: 'an HMAC secret from the list of well-known weak secrets' },
  TL007: { name: 'missing-iat', summary: 'no iat: the token age cannot be checked' },
  TL008: { name: 'missing-aud', summary: 'no aud: any service trusting the issuer accepts the token' },
  TL009: { name: 'missing-iss', summary: 'no iss: verifiers cannot tell issuers apart' },
  TL010: { name: 'missing-typ', summary: 'no typ header: token kinds can be confused' },
  TL011: { name: 'suspicious-kid', summary: 'a kid with path or SQL characters (injection attempt)' },
  TL012: { name: 'key-in-header', summary: 'jku, x5u, jwk or x5c header: key material chosen by the token' },
  TL013: { name: 'sensitive-value', summary: 'a claim value that looks like a card number or an SSN' },
  TL014: { name: 'bad-signature', summary: 'the signature does not verify with the given secret' },
  TL015: { name: 'signature-ok', summary: 'the signature verifies with the given secret' },
  TL016: { name: 'expired', summary: 'the token has expired or is not valid yet' },
  TL017: { name: 'unknown-alg', summary: 'an alg that is not a JWS signature algorithm' },
  TL018: { name: 'secret-not-checked', summary: 'an HMAC token whose secret was not given' },
  TL019: { name: 'secret-unused', summary: 'a secret was given but the token is not HMAC-signed' },
  TL020: { name: 'invalid-time-claim', summary: 'exp, nbf or iat is not a number, or exp is not after iat' },
} as const;

export type LintCode = keyof typeof LINT_RULES;

/** One problem found in a token. Messages never contain a secret or a sensitive claim's value. */
export interface Finding {
  code: LintCode;
  name: (typeof LINT_RULES)[LintCode]['name'];
  severity: Severity;
  message: string;
  /** The claim (`user.password`) or header parameter (`header.kid`) concerned, when there is one. */
  path?: string;
}

/**
 * Builds a finding with the rule's stable name.
 *
 * @example
 * finding('TL002', 'error', 'no exp: the token never expires');
 */
export function finding(code: LintCode, severity: Severity, message: string, path?: string): Finding {
  const out: Finding = { code, name: LINT_RULES[code].name, severity, message };
  if (path !== undefined) out.path = path;
  return out;
}

const ORDER: Record<Severity, number> = { error: 0, warn: 1, info: 2 };

/**
 * Sorts findings errors first, then by code, for stable output.
 *
 * @example
 * sortFindings(findings)[0]?.severity; // 'error' when there is any
 */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.code.localeCompare(b.code));
}
