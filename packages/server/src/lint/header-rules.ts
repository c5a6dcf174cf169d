import { ALGS } from '@tessera/jwt/internal';
import { quote } from '../cli/format.js';
import { type Finding, finding } from './findings.js';

/**
 * A kid that a sane issuer makes: letters, digits and `._:+=@,-`. Anything else
 * (slashes, dots in a row, quotes, spaces, `;`, `%`, controls) is what path
 * traversal and SQL injection through `kid` look like.
 */
const SAFE_KID = /^[A-Za-z0-9._:+=@,-]{1,256}$/;

/** Header parameters that hand the verifier key material or a place to fetch it from. */
const KEY_PARAMETERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;

/**
 * Checks the protected header: `alg` (none, unknown), `typ`, `kid`, and key
 * material carried by the token.
 *
 * @example
 * lintHeader({ alg: 'none' })[0]?.code; // 'TL001'
 */
export function lintHeader(header: Record<string, unknown>): Finding[] {
  const out: Finding[] = [];
  const alg = header.alg;
  if (typeof alg !== 'string') {
    out.push(finding('TL017', 'error', 'the header has no alg string', 'header.alg'));
  } else if (alg.trim().toLowerCase() === 'none') {
    out.push(
      finding(
        'TL001',
        'error',
        `alg is ${quote(alg)}: the token carries no signature and anyone can forge it; ` +
          'verifiers must pin an algorithm allow-list',
        'header.alg',
      ),
    );
  } else if (!Object.hasOwn(ALGS, alg)) {
    out.push(finding('TL017', 'warn', `alg ${quote(alg)} is not a JWS signature algorithm`, 'header.alg'));
  }

  if (header.typ === undefined) {
    out.push(
      finding(
        'TL010',
        'info',
        'no typ header: set one (e.g. "at+jwt" for access tokens) so tokens of one kind are not accepted as another',
        'header.typ',
      ),
    );
  }

  const kid = header.kid;
  if (kid !== undefined && (typeof kid !== 'string' || !SAFE_KID.test(kid) || kid.includes('..'))) {
    out.push(
      finding(
        'TL011',
        'error',
        `kid ${quote(kid)} has path or SQL characters: a verifier that puts kid in a file path ` +
          'or a query can be made to use a key the attacker chose',
        'header.kid',
      ),
    );
  }

  for (const name of KEY_PARAMETERS) {
    if (Object.hasOwn(header, name)) {
      out.push(
        finding(
          'TL012',
          'warn',
          `the header carries ${name}: verifiers must take keys from their own configuration, ` +
            `never from the token (a forged token brings its own ${name === 'jku' || name === 'x5u' ? 'key URL' : 'key'})`,
          `header.${name}`,
        ),
      );
    }
  }
  return out;
}
