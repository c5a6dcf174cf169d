// fast-jwt: the sync functions made by createSigner / createVerifier (no async
// key), keys handed once as PEM strings (asymmetric) or a Buffer (HMAC secret).
import { ALGS } from '../../lib/keys.mjs';

function keyFor(alg, keys, which) {
  if (alg === 'HS256') return keys.secret;
  return which === 'private' ? keys.privatePem : keys.publicPem;
}

async function setupVerifier({ alg, keys, issuer, audience }, cache) {
  const { createVerifier } = await import('fast-jwt');
  const verify = createVerifier({
    key: keyFor(alg, keys, 'public'),
    algorithms: [alg],
    allowedIss: issuer,
    allowedAud: audience,
    cache,
  });
  return { verify };
}

export const variants = [
  {
    id: 'fast-jwt',
    label: 'fast-jwt (sync, no cache)',
    ops: ['sign', 'verify'],
    algs: ALGS,
    async: false,
    async setup(ctx) {
      if (ctx.op === 'verify') return setupVerifier(ctx, false);
      const { createSigner } = await import('fast-jwt');
      return { sign: createSigner({ key: keyFor(ctx.alg, ctx.keys, 'private'), algorithm: ctx.alg }) };
    },
  },
  {
    id: 'fast-jwt-cache',
    label: 'fast-jwt (cache on, same token every call)',
    ops: ['verify'],
    algs: ALGS,
    async: false,
    setup(ctx) {
      return setupVerifier(ctx, true);
    },
  },
  {
    id: 'fast-jwt-cache-fresh',
    label: 'fast-jwt (cache on, same token, fresh string per call)',
    ops: ['verify'],
    algs: ALGS,
    async: false,
    freshTokenString: true,
    setup(ctx) {
      return setupVerifier(ctx, true);
    },
  },
];
