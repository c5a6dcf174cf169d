import type { HmacAlg } from '@tessera/jwt';
import { ALGS, isHmacAlg } from '@tessera/jwt/internal';
import { COMMON_SECRETS, isCommonSecret } from './common-secrets.js';
import { type Finding, finding } from './findings.js';
import type { ParsedToken } from './parse-token.js';

/** Fewer distinct bytes than this is a pattern (`aaaa…`, `abab…`), not a random secret. */
const MIN_DISTINCT_BYTES = 8;

const HASHES = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' } as const;

/**
 * True when `secret` produced the token's HMAC signature. WebCrypto, so the rules run in Node
 * and in browsers alike; `verify` compares in constant time. An empty secret signs nothing.
 */
async function signedWith(token: ParsedToken, alg: HmacAlg, secret: Uint8Array): Promise<boolean> {
  if (secret.length === 0) return false;
  const { subtle } = globalThis.crypto;
  const key = await subtle.importKey(
    'raw',
    secret as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash: HASHES[ALGS[alg].hash as keyof typeof HASHES] },
    false,
    ['verify'],
  );
  return subtle.verify(
    'HMAC',
    key,
    token.signature as Uint8Array<ArrayBuffer>,
    new TextEncoder().encode(token.signingInput),
  );
}

/** True when a secret of the built-in list signed the token. */
async function signedWithKnownSecret(token: ParsedToken, alg: HmacAlg): Promise<boolean> {
  const encoder = new TextEncoder();
  const results = await Promise.all(COMMON_SECRETS.map((s) => signedWith(token, alg, encoder.encode(s))));
  return results.includes(true);
}

/**
 * Checks the HMAC secret of an HS256/384/512 token: against the built-in list
 * of well-known secrets (always: a listed secret that verifies the token is
 * reported without `secret`), and when `secret` is given, its length, its
 * variety, its place on that list, and whether it verifies the signature.
 * No finding ever contains the secret.
 *
 * @example
 * (await lintSecret(parsed, 'your-256-bit-secret')).some((f) => f.code === 'TL006'); // true
 */
export async function lintSecret(
  token: ParsedToken,
  secret: Uint8Array | string | undefined,
): Promise<Finding[]> {
  const alg = token.header.alg;
  if (!isHmacAlg(alg)) {
    return secret === undefined
      ? []
      : [
          finding(
            'TL019',
            'info',
            'a secret was given but the token is not HMAC-signed (HS256/384/512); it was not used',
          ),
        ];
  }
  const hmacAlg = alg;
  const out: Finding[] = [];
  const knownSecretSigned = await signedWithKnownSecret(token, hmacAlg);

  if (secret === undefined) {
    if (knownSecretSigned) out.push(knownSecretFinding());
    else {
      out.push(
        finding(
          'TL018',
          'info',
          `${hmacAlg} token: pass --secret-file to check the secret's strength and the signature`,
        ),
      );
    }
    return out;
  }

  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : Uint8Array.from(secret);
  const common = isCommonSecret(bytes);
  const verifies = await signedWith(token, hmacAlg, bytes);
  if (common) {
    out.push(
      finding(
        'TL006',
        'error',
        'the secret is on the list of well-known weak JWT secrets: anyone can forge tokens with it; ' +
          'generate one with `openssl rand -base64 48`',
      ),
    );
  }
  // RFC 7518 §3.2: at least as many bytes as the hash output.
  const minBytes = ALGS[hmacAlg].hashBytes;
  if (bytes.length < minBytes) {
    out.push(
      finding(
        'TL005',
        'error',
        `the secret is ${bytes.length} bytes; ${hmacAlg} needs at least ${minBytes} random bytes ` +
          'or it can be brute-forced offline from a single token',
      ),
    );
  } else if (new Set(bytes).size < MIN_DISTINCT_BYTES) {
    out.push(finding('TL005', 'error', 'the secret is repetitive (few distinct bytes): it is not random'));
  }
  if (verifies) {
    out.push(finding('TL015', 'info', `the ${hmacAlg} signature verifies with the given secret`));
  } else {
    out.push(
      finding(
        'TL014',
        'error',
        `the ${hmacAlg} signature does not verify with the given secret: a different secret, or a tampered token`,
      ),
    );
  }
  // The given secret being a listed one that verifies is already reported above.
  if (knownSecretSigned && !(common && verifies)) out.push(knownSecretFinding());
  return out;
}

function knownSecretFinding(): Finding {
  return finding(
    'TL006',
    'error',
    'the token is signed with a well-known weak secret from the built-in list: anyone can forge tokens ' +
      'for this issuer; replace the secret and revoke every token it signed',
  );
}
