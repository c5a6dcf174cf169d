// The token inspector's verification: the signature checked with WebCrypto against the server's
// own JWKS. The key is the JWKS entry with the token's kid, and it must be a key for the token's
// alg: a token never picks its own algorithm for a key, nor brings a key (jku, jwk…).
import { base64urlBytes, parseTokenLeniently } from '@tessera/server/lint';

/** A public key of the JWKS. */
export interface Jwk {
  kty: string;
  kid?: string;
  alg?: string;
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
}

/** What the signature check found. */
export type Verdict =
  | { status: 'valid'; kid: string }
  | { status: 'invalid'; kid: string }
  | { status: 'no-key'; reason: string }
  | { status: 'unsupported'; reason: string };

type Params = {
  import: AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams;
  verify: AlgorithmIdentifier | RsaPssParams | EcdsaParams;
};

const sha = (bits: 256 | 384 | 512) => `SHA-${bits}`;

function params(alg: string): Params | undefined {
  const bits = Number(alg.slice(2)) as 256 | 384 | 512;
  switch (alg) {
    case 'EdDSA':
    case 'Ed25519':
      return { import: { name: 'Ed25519' }, verify: { name: 'Ed25519' } };
    case 'ES256':
    case 'ES384':
    case 'ES512': {
      const namedCurve = bits === 512 ? 'P-521' : `P-${bits}`;
      return { import: { name: 'ECDSA', namedCurve }, verify: { name: 'ECDSA', hash: sha(bits) } };
    }
    case 'RS256':
    case 'RS384':
    case 'RS512':
      return {
        import: { name: 'RSASSA-PKCS1-v1_5', hash: sha(bits) },
        verify: { name: 'RSASSA-PKCS1-v1_5' },
      };
    case 'PS256':
    case 'PS384':
    case 'PS512':
      return {
        import: { name: 'RSA-PSS', hash: sha(bits) },
        verify: { name: 'RSA-PSS', saltLength: bits / 8 },
      };
    default:
      return undefined;
  }
}

/**
 * The server's published keys (`/.well-known/jwks.json`).
 *
 * @example
 * const keys = await fetchJwks(); // [{ kty: 'OKP', crv: 'Ed25519', kid, x, alg: 'EdDSA' }]
 */
export async function fetchJwks(): Promise<Jwk[]> {
  const res = await fetch('/.well-known/jwks.json', { credentials: 'omit' });
  if (!res.ok) throw new Error(`the JWKS answered ${res.status}`);
  const body = (await res.json()) as { keys?: Jwk[] };
  return Array.isArray(body.keys) ? body.keys : [];
}

/**
 * Checks the token's signature against `keys`.
 *
 * @example
 * const verdict = await verifyWithJwks(token, await fetchJwks());
 * if (verdict.status === 'valid') console.log('signed by', verdict.kid);
 */
export async function verifyWithJwks(token: string, keys: Jwk[]): Promise<Verdict> {
  const parsed = parseTokenLeniently(token);
  if ('reason' in parsed) return { status: 'unsupported', reason: parsed.reason };
  const { alg, kid } = parsed.header;
  if (typeof alg !== 'string') return { status: 'unsupported', reason: 'the header has no alg' };
  if (alg.startsWith('HS')) {
    return {
      status: 'unsupported',
      reason: `${alg} is a shared-secret algorithm: a public JWKS cannot verify it`,
    };
  }
  const spec = params(alg);
  if (spec === undefined)
    return { status: 'unsupported', reason: `${alg} is not a signature algorithm this server uses` };
  if (typeof kid !== 'string')
    return { status: 'no-key', reason: 'the token has no kid: it was not issued by this server' };
  const jwk = keys.find((k) => k.kid === kid);
  if (jwk === undefined) {
    return {
      status: 'no-key',
      reason: `no key ${kid} in this server's JWKS: another issuer, or a key that expired or was revoked`,
    };
  }
  if (jwk.alg !== undefined && jwk.alg !== alg) {
    return { status: 'invalid', kid };
  }
  const material: JsonWebKey = { kty: jwk.kty };
  for (const name of ['crv', 'x', 'y', 'n', 'e'] as const)
    if (jwk[name] !== undefined) material[name] = jwk[name];
  try {
    const key = await crypto.subtle.importKey('jwk', material, spec.import, false, ['verify']);
    const signature = base64urlBytes(
      token
        .trim()
        .replace(/^Bearer\s+/i, '')
        .split('.')[2] ?? '',
    );
    const ok = await crypto.subtle.verify(
      spec.verify,
      key,
      signature as Uint8Array<ArrayBuffer>,
      new TextEncoder().encode(parsed.signingInput),
    );
    return { status: ok ? 'valid' : 'invalid', kid };
  } catch {
    return { status: 'invalid', kid };
  }
}
