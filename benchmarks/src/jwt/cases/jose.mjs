// jose: the async API (SignJWT#sign, jwtVerify) with CryptoKeys imported once
// (importPKCS8 / importSPKI, subtle.importKey('raw') for the HMAC secret).
import { webcrypto } from 'node:crypto';
import { ALGS } from '../../lib/keys.mjs';

async function cryptoKey(jose, alg, keys, which) {
  if (alg === 'HS256') {
    const usage = which === 'private' ? 'sign' : 'verify';
    return webcrypto.subtle.importKey('raw', keys.secret, { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
  }
  return which === 'private' ? jose.importPKCS8(keys.privatePem, alg) : jose.importSPKI(keys.publicPem, alg);
}

export const variants = [
  {
    id: 'jose',
    label: 'jose (async, CryptoKey)',
    ops: ['sign', 'verify'],
    algs: ALGS,
    async: true,
    async setup({ op, alg, keys, issuer, audience }) {
      const jose = await import('jose');
      if (op === 'sign') {
        const key = await cryptoKey(jose, alg, keys, 'private');
        const header = { alg, typ: 'JWT' };
        return { sign: (claims) => new jose.SignJWT(claims).setProtectedHeader(header).sign(key) };
      }
      const key = await cryptoKey(jose, alg, keys, 'public');
      const options = { algorithms: [alg], issuer, audience };
      return { verify: (token) => jose.jwtVerify(token, key, options), claimsOf: (r) => r.payload };
    },
  },
];
