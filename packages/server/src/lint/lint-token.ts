import { lintClaims } from './claim-rules.js';
import { type Finding, finding, sortFindings } from './findings.js';
import { lintHeader } from './header-rules.js';
import { parseTokenLeniently } from './parse-token.js';
import { lintSecret } from './secret-rules.js';

export type { Finding, LintCode, Severity } from './findings.js';
export { LINT_RULES } from './findings.js';

/** Options of {@link lintToken}. */
export interface LintOptions {
  /** The HMAC secret the token should be signed with; never echoed in a finding. */
  secret?: Uint8Array | string;
  /** The time to judge expiry at. Default: now. */
  now?: Date;
}

/**
 * Reports the common JWT mistakes in a token, errors first: `alg: none`, no or
 * far `exp`, sensitive data in the payload, weak or well-known HMAC secrets,
 * missing `iat`/`aud`/`iss`/`typ`, an injection-shaped `kid`, and key material
 * in the header. Pure: no I/O, no clock unless `now` is omitted; only WebCrypto, so
 * the same rules run in `tessera token lint` and in the console's token inspector (browser).
 *
 * @example
 * const findings = await lintToken(token, { secret: readFileSync('jwt.secret') });
 * for (const f of findings) console.log(`${f.severity} ${f.code} ${f.name}: ${f.message}`);
 * process.exitCode = findings.some((f) => f.severity === 'error') ? 1 : 0;
 */
export async function lintToken(token: string, opts: LintOptions = {}): Promise<Finding[]> {
  if (typeof token !== 'string') return [finding('TL000', 'error', 'the token must be a string')];
  const parsed = parseTokenLeniently(token);
  if ('reason' in parsed) return [finding('TL000', 'error', parsed.reason)];
  const now = (opts.now?.getTime() ?? Date.now()) / 1000;
  return sortFindings([
    ...lintHeader(parsed.header),
    ...lintClaims(parsed.payload, now),
    ...(await lintSecret(parsed, opts.secret)),
  ]);
}
