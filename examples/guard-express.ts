// guard-express.ts: an Express API behind the guard. Start the auth server first
// (`npm start` in the Tessera repository, or `npx @tessera/server serve`), then: npx tsx guard-express.ts
import { createGuard } from '@tessera/guard';
import { authOf, requireAuth, requireRole } from '@tessera/guard/express';
import express from 'express';

const issuer = process.env.TESSERA_ISSUER ?? 'http://127.0.0.1:3000'; // the auth server
const guard = createGuard({
  issuer,
  audience: 'tessera',
  algorithms: ['EdDSA'],
  jwksUri: `${issuer}/.well-known/jwks.json`,
  revocations: { url: `${issuer}/auth/revocations` },
});

const app = express();

app.get('/profile', requireAuth(guard), (req, res) => {
  const auth = authOf(req); // what requireAuth set on req.auth, typed as present
  res.json({ user: auth.subject, roles: auth.roles });
});

app.delete('/users/:id', requireAuth(guard), requireRole('admin'), (_req, res) => {
  res.status(204).end();
});

await guard.ready(); // signing keys fetched, revocation list loaded
app.listen(Number(process.env.PORT ?? 8080));
