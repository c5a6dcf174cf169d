// guard-scopes.ts: routes for services, checked by scope (client_credentials tokens). npx tsx guard-scopes.ts
import { createGuard } from '@tessera/guard';
import { authOf, requireAuth, requireScope } from '@tessera/guard/express';
import express from 'express';

const issuer = process.env.TESSERA_ISSUER ?? 'http://127.0.0.1:3000';
const guard = createGuard({
  issuer,
  audience: 'tessera',
  algorithms: ['EdDSA'],
  jwksUri: `${issuer}/.well-known/jwks.json`,
});
const app = express();

// #region readme
app.post('/jobs', requireAuth(guard), requireScope('jobs:run'), (req, res) => {
  const auth = authOf(req); // auth.sessionId is undefined and auth.roles is [] for a service's token
  res.json({ startedBy: auth.clientId, service: auth.clientId === auth.subject });
});
// #endregion readme

await guard.ready();
app.listen(Number(process.env.PORT ?? 8080));
