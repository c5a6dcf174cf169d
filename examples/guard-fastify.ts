// guard-fastify.ts: a Fastify API behind the guard (auth server as for guard-express.ts).
import { createGuard } from '@tessera/guard';
import { tesseraGuard } from '@tessera/guard/fastify';
import Fastify from 'fastify';

const issuer = process.env.TESSERA_ISSUER ?? 'http://127.0.0.1:3000';
const guard = createGuard({
  issuer,
  audience: 'tessera',
  algorithms: ['EdDSA'],
  jwksUri: `${issuer}/.well-known/jwks.json`,
  revocations: { url: `${issuer}/auth/revocations` },
});

const app = Fastify();
await app.register(tesseraGuard, { guard }); // before the routes it protects

// request.auth is null only on routes with `config: { auth: false }`
app.get('/profile', async (request) => ({ user: request.auth?.subject, roles: request.auth?.roles }));
app.delete('/users/:id', { config: { auth: { roles: ['admin'] } } }, async (_request, reply) => {
  reply.code(204).send();
});
app.get('/healthz', { config: { auth: false } }, async () => 'ok');

await guard.ready();
await app.listen({ port: Number(process.env.PORT ?? 8080) });
