// One server of the HTTP benchmark, alone in its process: `GET /profile`
// answers the verified claims as JSON (the no-auth servers answer the same
// claims object without looking at the Authorization header).
//
//   node server.mjs '{"kind":"fastify-guard","alg":"HS256","keyFile":"…","cache":false}'
//
// Prints `READY <port>` once listening on 127.0.0.1 (an ephemeral port).
import { createPublicKey, createSecretKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

const spec = JSON.parse(process.argv[2]);
const material = JSON.parse(readFileSync(spec.keyFile, 'utf8'));
const { alg } = spec;
const { issuer, audience, claims } = material;
const secret = Buffer.from(material.secret, 'base64url');

// A guard remembers each accepted proof for its window (60 s + 5 s of tolerance): at the rates of
// these runs (up to ~10,000 proofs/s) the default 100,000 entries fill in about 10 s, and a full
// cache refuses new proofs. Sized here for 15,000 proofs/s sustained.
const DPOP_REPLAY_ENTRIES = 1_000_000;

/** The guard with static keys: `cache` on (the default) or off. */
async function makeGuard() {
  const { createGuard } = await import('@tessera/guard');
  const { importPem, importSecret } = await import('@tessera/jwt');
  const keys = alg === 'HS256' ? importSecret(secret, { alg }) : importPem(material.publicPem, { alg });
  return createGuard({
    issuer,
    audience,
    algorithms: [alg],
    keys,
    cache: spec.cache,
    ...(spec.dpop ? { dpop: { maxReplayEntries: DPOP_REPLAY_ENTRIES } } : {}),
  });
}

function notFound(res) {
  res.statusCode = 404;
  res.end();
}

const servers = {
  // node:http, no auth: the ceiling.
  async node() {
    return http.createServer((req, res) => {
      if (req.method !== 'GET' || req.url !== '/profile') return notFound(res);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(claims));
    });
  },

  // node:http + withAuth from @tessera/guard/node.
  async 'node-guard'() {
    const { withAuth } = await import('@tessera/guard/node');
    const guard = await makeGuard();
    const profile = withAuth(guard, (_req, res, auth) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(auth.claims));
    });
    return http.createServer((req, res) => {
      if (req.method !== 'GET' || req.url !== '/profile') return notFound(res);
      profile(req, res);
    });
  },

  async fastify() {
    const { default: Fastify } = await import('fastify');
    const app = Fastify({ logger: false });
    app.get('/profile', async () => claims);
    return app;
  },

  // Fastify + the tesseraGuard plugin (onRequest hook, protect: 'all').
  async 'fastify-guard'() {
    const { default: Fastify } = await import('fastify');
    const { tesseraGuard } = await import('@tessera/guard/fastify');
    const guard = await makeGuard();
    const app = Fastify({ logger: false });
    await app.register(tesseraGuard, { guard });
    app.get('/profile', async (request) => request.auth.claims);
    return app;
  },

  // Fastify + @fastify/jwt as its README shows it: an onRequest hook that awaits
  // request.jwtVerify() and sends the error. The key is given once as a Buffer
  // (HS256) or PEM strings (EdDSA); fast-jwt turns it into a KeyObject once.
  async 'fastify-jwt'() {
    const { default: Fastify } = await import('fastify');
    const { default: fastifyJwt } = await import('@fastify/jwt');
    const app = Fastify({ logger: false });
    await app.register(fastifyJwt, {
      secret: alg === 'HS256' ? secret : { public: material.publicPem, private: material.privatePem },
      verify: { algorithms: [alg], allowedIss: issuer, allowedAud: audience },
    });
    const authenticate = async (request, reply) => {
      try {
        await request.jwtVerify();
      } catch (err) {
        reply.send(err);
      }
    };
    app.get('/profile', { onRequest: authenticate }, async (request) => request.user);
    return app;
  },

  async express() {
    const { default: express } = await import('express');
    const app = express();
    app.get('/profile', (_req, res) => res.json(claims));
    return http.createServer(app);
  },

  // Express with one middleware that sets req.auth without checking anything:
  // the floor of any auth middleware in Express. Express gives each request a
  // new prototype, after which V8 adds a property to it on a slow path.
  async 'express-layer'() {
    const { default: express } = await import('express');
    const app = express();
    const auth = { subject: claims.sub, claims };
    app.get(
      '/profile',
      (req, _res, next) => {
        req.auth = auth;
        next();
      },
      (req, res) => res.json(req.auth.claims),
    );
    return http.createServer(app);
  },

  // Express + requireAuth from @tessera/guard/express.
  async 'express-guard'() {
    const { default: express } = await import('express');
    const { requireAuth } = await import('@tessera/guard/express');
    const guard = await makeGuard();
    const app = express();
    app.get('/profile', requireAuth(guard), (req, res) => res.json(req.auth.claims));
    return http.createServer(app);
  },

  // Express + express-jwt (jsonwebtoken underneath, HS256 only here: jsonwebtoken 9
  // has no EdDSA). The secret is a KeyObject: jsonwebtoken's fast path.
  async 'express-jwt'() {
    const { default: express } = await import('express');
    const { expressjwt } = await import('express-jwt');
    const key = alg === 'HS256' ? createSecretKey(secret) : createPublicKey(material.publicPem);
    const app = express();
    app.get('/profile', expressjwt({ secret: key, algorithms: [alg], issuer, audience }), (req, res) =>
      res.json(req.auth),
    );
    app.use((err, _req, res, next) => {
      if (err.name !== 'UnauthorizedError') return next(err);
      res.status(401).json({ error: 'invalid_token' });
    });
    return http.createServer(app);
  },
};

const make = servers[spec.kind];
if (make === undefined) throw new Error(`unknown server kind ${spec.kind}`);
const server = await make();

if (typeof server.listen === 'function' && typeof server.inject === 'function') {
  // Fastify
  await server.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`READY ${server.server.address().port}\n`);
} else {
  server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${server.address().port}\n`));
}

process.on('SIGTERM', () => process.exit(0));
