// guard-dpop.ts: an API that takes DPoP-bound tokens (RFC 9449) and Bearer ones. npx tsx guard-dpop.ts
import { createGuard } from '@tessera/guard';
import { tesseraGuard } from '@tessera/guard/fastify';
import Fastify from 'fastify';

const issuer = process.env.TESSERA_ISSUER ?? 'http://127.0.0.1:3000';
const port = Number(process.env.PORT ?? 8080);

// #region readme
const guard = createGuard({
  issuer,
  audience: 'tessera',
  algorithms: ['EdDSA'],
  jwksUri: `${issuer}/.well-known/jwks.json`,
  dpop: {
    // The URL clients address (what their proofs' htu names). Behind a proxy or a TLS terminator,
    // set it; without it the URL is rebuilt from the Host header and the socket.
    publicBaseUrl: process.env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${port}`,
    algorithms: ['ES256', 'EdDSA'], // the proof algorithms accepted (asymmetric only)
    iatWindowSeconds: 60, // how old a proof may be; seen jtis are kept as long
    // replayCache: createRedisReplayCache(redis), // shared by every instance (default: in memory)
    // required: true, // refuse Bearer tokens altogether
  },
});

const app = Fastify();
await app.register(tesseraGuard, { guard });
// A token with cnf.jkt gets here only as `Authorization: DPoP <token>` with a fresh proof by its key.
app.get('/whoami', async (request) => ({
  subject: request.auth?.subject,
  dpopJkt: request.auth?.dpopJkt ?? null, // the key the token is bound to; null for a Bearer token
}));
// #endregion readme

await guard.ready();
await app.listen({ port, host: '127.0.0.1' });
