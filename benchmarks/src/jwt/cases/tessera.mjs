// @tessera/jwt: createSigner / createVerifier with a Key per alg, every check on
// (algorithms allow-list of one alg, issuer, audience; exp/nbf by default).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ALGS } from '../../lib/keys.mjs';
import { unavailable } from '../variant.mjs';

const NEEDED = ['createSigner', 'createVerifier', 'importSecret', 'importPem'];

// BENCH_TESSERA_JWT=/path/to/dist/index.js benchmarks another build (A/B of two versions).
const SPECIFIER = process.env.BENCH_TESSERA_JWT
  ? pathToFileURL(resolve(process.env.BENCH_TESSERA_JWT)).href
  : '@tessera/jwt';

async function load() {
  let mod;
  try {
    mod = await import(SPECIFIER);
  } catch (err) {
    throw unavailable(`${SPECIFIER} cannot be imported (${err.message}); build it with npm run build`);
  }
  const missing = NEEDED.filter((name) => typeof mod[name] !== 'function');
  if (missing.length > 0) {
    throw unavailable(`@tessera/jwt is not built yet (missing ${missing.join(', ')})`);
  }
  return mod;
}

function importKey(jwt, alg, keys, which) {
  if (alg === 'HS256') return jwt.importSecret(keys.secret, { alg });
  return jwt.importPem(which === 'private' ? keys.privatePem : keys.publicPem, { alg });
}

async function setupVerifier({ alg, keys, issuer, audience }, cache) {
  const jwt = await load();
  const v = jwt.createVerifier({
    keys: importKey(jwt, alg, keys, 'public'),
    algorithms: [alg],
    issuer,
    audience,
    cache,
  });
  return { verify: (token) => v.verify(token), claimsOf: (r) => r.payload };
}

export const variants = [
  {
    id: 'tessera',
    label: '@tessera/jwt',
    ops: ['sign', 'verify'],
    algs: ALGS,
    async: false,
    compareTo: 'fast-jwt',
    async setup(ctx) {
      if (ctx.op === 'verify') return setupVerifier(ctx, false);
      const jwt = await load();
      const signer = jwt.createSigner({ key: importKey(jwt, ctx.alg, ctx.keys, 'private') });
      return { sign: (claims) => signer.sign(claims) };
    },
  },
  {
    id: 'tessera-cache',
    label: '@tessera/jwt (cache on, same token every call)',
    ops: ['verify'],
    algs: ALGS,
    async: false,
    compareTo: 'fast-jwt-cache',
    setup(ctx) {
      return setupVerifier(ctx, true);
    },
  },
  {
    id: 'tessera-cache-fresh',
    label: '@tessera/jwt (cache on, same token, fresh string per call)',
    ops: ['verify'],
    algs: ALGS,
    async: false,
    freshTokenString: true,
    compareTo: 'fast-jwt-cache-fresh',
    setup(ctx) {
      return setupVerifier(ctx, true);
    },
  },
];
