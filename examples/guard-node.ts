// guard-node.ts: node:http behind the guard (auth server as for guard-express.ts).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { type AuthContext, createGuard, GuardError } from '@tessera/guard';
import { authenticateRequest, sendGuardError, withAuth } from '@tessera/guard/node';

const issuer = process.env.TESSERA_ISSUER ?? 'http://127.0.0.1:3000';
const guard = createGuard({
  issuer,
  audience: 'tessera',
  algorithms: ['EdDSA'],
  jwksUri: `${issuer}/.well-known/jwks.json`,
  revocations: { url: `${issuer}/auth/revocations` },
});

// The short form: refusals are answered for you.
const profile = withAuth(guard, (_req, res, auth) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ user: auth.subject, roles: auth.roles }));
});

// The explicit form.
async function admin(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let auth: AuthContext;
  try {
    auth = await authenticateRequest(guard, req);
    guard.authorize(auth, { roles: ['admin'] });
  } catch (err) {
    if (err instanceof GuardError) return sendGuardError(res, err);
    throw err;
  }
  res.end(`hello ${auth.subject}`);
}

await guard.ready();
http
  .createServer((req, res) => void (req.url === '/admin' ? admin(req, res) : profile(req, res)))
  .listen(Number(process.env.PORT ?? 8080));
