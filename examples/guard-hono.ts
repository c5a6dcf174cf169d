// guard-hono.ts: a Hono API on Node behind the guard (auth server as for guard-express.ts).
import { serve } from '@hono/node-server';
import { createGuard } from '@tessera/guard';
import { type GuardEnv, guardMiddleware } from '@tessera/guard/hono';
import { Hono } from 'hono';

const issuer = process.env.TESSERA_ISSUER ?? 'http://127.0.0.1:3000';
const guard = createGuard({
  issuer,
  audience: 'tessera',
  algorithms: ['EdDSA'],
  jwksUri: `${issuer}/.well-known/jwks.json`,
  revocations: { url: `${issuer}/auth/revocations` },
});

const app = new Hono<GuardEnv>(); // GuardEnv: c.get('auth') is an AuthContext

app.use('/api/*', guardMiddleware(guard));
app.get('/api/profile', (c) => c.json({ user: c.get('auth').subject, roles: c.get('auth').roles }));
app.delete('/api/users/:id', guardMiddleware(guard, { roles: ['admin'] }), (c) => c.body(null, 204));

await guard.ready();
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 8080) });
