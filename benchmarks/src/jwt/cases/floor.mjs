// "Minimal node:crypto JWT": a hand-written JWT sign/verify with no library, as
// the reference method describes it (benchmarks/README.md). It is the floor a node:crypto library can approach.
//
// sign:   JSON.stringify + base64url the payload, prepend a cached header segment,
//         run the primitive, base64url the signature.
// verify: split on the dots and reject anything that is not 3 segments; decode and
//         parse the header and check alg; decode the signature; run the primitive
//         (HMAC: length check + timingSafeEqual; ECDSA: ieee-p1363); decode and parse
//         the payload; check exp/nbf/iss/aud.
import { createHmac, sign as cryptoSign, verify as cryptoVerify, timingSafeEqual } from 'node:crypto';
import { ALGS } from '../../lib/keys.mjs';

function signer(alg, privateKey) {
  const headerSegment = Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
  const prefix = headerSegment + '.';
  switch (alg) {
    case 'HS256':
      return (claims) => {
        const input = prefix + Buffer.from(JSON.stringify(claims)).toString('base64url');
        return input + '.' + createHmac('sha256', privateKey).update(input).digest('base64url');
      };
    case 'RS256':
      return (claims) => {
        const input = prefix + Buffer.from(JSON.stringify(claims)).toString('base64url');
        return input + '.' + cryptoSign('sha256', Buffer.from(input), privateKey).toString('base64url');
      };
    case 'ES256': {
      const key = { key: privateKey, dsaEncoding: 'ieee-p1363' };
      return (claims) => {
        const input = prefix + Buffer.from(JSON.stringify(claims)).toString('base64url');
        return input + '.' + cryptoSign('sha256', Buffer.from(input), key).toString('base64url');
      };
    }
    case 'EdDSA':
      return (claims) => {
        const input = prefix + Buffer.from(JSON.stringify(claims)).toString('base64url');
        return input + '.' + cryptoSign(null, Buffer.from(input), privateKey).toString('base64url');
      };
    default:
      throw new Error(`unsupported alg ${alg}`);
  }
}

function signatureCheck(alg, publicKey) {
  switch (alg) {
    case 'HS256':
      return (input, sig) => {
        const expected = createHmac('sha256', publicKey).update(input).digest();
        return sig.length === expected.length && timingSafeEqual(sig, expected);
      };
    case 'RS256':
      return (input, sig) => cryptoVerify('sha256', Buffer.from(input), publicKey, sig);
    case 'ES256': {
      const key = { key: publicKey, dsaEncoding: 'ieee-p1363' };
      return (input, sig) => cryptoVerify('sha256', Buffer.from(input), key, sig);
    }
    case 'EdDSA':
      return (input, sig) => cryptoVerify(null, Buffer.from(input), publicKey, sig);
    default:
      throw new Error(`unsupported alg ${alg}`);
  }
}

function verifier(alg, publicKey, issuer, audience) {
  const check = signatureCheck(alg, publicKey);
  return (token) => {
    const parts = token.split('.');
    if (parts.length !== 3) throw new Error('malformed token');
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
    if (header.alg !== alg) throw new Error('unexpected alg');
    const sig = Buffer.from(parts[2], 'base64url');
    if (!check(parts[0] + '.' + parts[1], sig)) throw new Error('invalid signature');
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
    const now = Math.floor(Date.now() / 1000);
    if (payload.exp !== undefined && (typeof payload.exp !== 'number' || now >= payload.exp)) {
      throw new Error('expired');
    }
    if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || now < payload.nbf)) {
      throw new Error('not yet valid');
    }
    if (payload.iss !== issuer) throw new Error('unexpected iss');
    const aud = payload.aud;
    if (Array.isArray(aud) ? !aud.includes(audience) : aud !== audience) throw new Error('unexpected aud');
    return payload;
  };
}

export const variants = [
  {
    id: 'floor',
    label: 'minimal node:crypto JWT (floor)',
    ops: ['sign', 'verify'],
    algs: ALGS,
    async: false,
    setup({ op, alg, keys, issuer, audience }) {
      if (op === 'sign') return { sign: signer(alg, keys.privateKey) };
      return { verify: verifier(alg, keys.publicKey, issuer, audience) };
    },
  },
];
