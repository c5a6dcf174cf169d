// jsonwebtoken: the sync API (no callback), keys prepared once as KeyObjects.
// jsonwebtoken 9 has no EdDSA.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const variants = [
  {
    id: 'jsonwebtoken',
    label: 'jsonwebtoken (sync, KeyObject keys)',
    ops: ['sign', 'verify'],
    algs: ['HS256', 'RS256', 'ES256'],
    async: false,
    setup({ op, alg, keys, issuer, audience }) {
      const jwt = require('jsonwebtoken');
      if (op === 'sign') {
        const options = { algorithm: alg };
        return { sign: (claims) => jwt.sign(claims, keys.privateKey, options) };
      }
      const options = { algorithms: [alg], issuer, audience };
      return { verify: (token) => jwt.verify(token, keys.publicKey, options) };
    },
  },
];
