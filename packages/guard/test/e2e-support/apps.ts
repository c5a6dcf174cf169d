// Two resource servers protected by the guard, each with its own guard (as two
// separate services would be), listening on real loopback ports.
import express from 'express';
import Fastify from 'fastify';
import { requireAuth, requireRole, requireScope } from '../../src/adapters/express.js';
import { tesseraGuard } from '../../src/adapters/fastify.js';
import { createGuard, type Guard } from '../../src/index.js';
import { listen } from '../support/http-server.js';

/** How often the guards poll the revocation feed (and the least time between JWKS refetches). */
export const FEED_INTERVAL_MS = 200;

/**
 * A protected app: `GET /profile` (any valid token), `/admin` (role admin), `/editor` (role editor),
 * `/jobs` (scope jobs:run, as a client-credentials token carries it).
 */
export interface ResourceApp {
  readonly name: string;
  readonly url: string;
  readonly guard: Guard;
  close(): Promise<void>;
}

/**
 * A guard that follows the auth server: remote JWKS with a short cooldown, and the revocation
 * feed, pushed over its stream (`auto`, the default) or polled every FEED_INTERVAL_MS (`poll`).
 */
export function serverGuard(authServerUrl: string, transport: 'auto' | 'poll' = 'auto'): Guard {
  return createGuard({
    issuer: authServerUrl,
    audience: 'tessera',
    algorithms: ['EdDSA'],
    jwksUri: `${authServerUrl}/.well-known/jwks.json`,
    // A token signed with a freshly rotated key makes the guard refetch the JWKS at most once per cooldown.
    jwks: { cooldownMs: FEED_INTERVAL_MS },
    revocations: { url: `${authServerUrl}/auth/revocations`, intervalMs: FEED_INTERVAL_MS, transport },
  });
}

const profile = (auth: { subject: string; roles: string[] } | null | undefined) => ({
  subject: auth?.subject,
  roles: auth?.roles,
});

const job = (
  auth: { subject: string; clientId?: string | undefined; scopes: string[] } | null | undefined,
) => ({
  subject: auth?.subject,
  clientId: auth?.clientId,
  scopes: auth?.scopes,
});

/** The Express app, on its own guard (polling the feed); waits for the guard to be ready before listening. */
export async function startExpressApp(authServerUrl: string): Promise<ResourceApp> {
  const guard = serverGuard(authServerUrl, 'poll');
  try {
    const app = express();
    app.set('env', 'test');
    app.get('/profile', requireAuth(guard), (req, res) => {
      res.json(profile(req.auth));
    });
    app.get('/admin', requireAuth(guard), requireRole('admin'), (req, res) => {
      res.json(profile(req.auth));
    });
    app.get('/editor', requireAuth(guard), requireRole('editor'), (req, res) => {
      res.json(profile(req.auth));
    });
    app.get('/jobs', requireAuth(guard), requireScope('jobs:run'), (req, res) => {
      res.json(job(req.auth));
    });
    await guard.ready({ signal: AbortSignal.timeout(30_000) });
    const server = await listen(app);
    return { name: 'express', url: server.url, guard, close: () => server.close() };
  } catch (err) {
    await guard.close();
    throw err;
  }
}

/** The Fastify app, on its own guard; waits for the guard to be ready before listening. */
export async function startFastifyApp(authServerUrl: string): Promise<ResourceApp> {
  const guard = serverGuard(authServerUrl);
  const app = Fastify();
  try {
    await app.register(tesseraGuard, { guard });
    app.get('/profile', async (request) => profile(request.auth));
    app.get('/admin', { config: { auth: { roles: ['admin'] } } }, async (request) => profile(request.auth));
    app.get('/editor', { config: { auth: { roles: ['editor'] } } }, async (request) => profile(request.auth));
    app.get('/jobs', { config: { auth: { scopes: ['jobs:run'] } } }, async (request) => job(request.auth));
    await guard.ready({ signal: AbortSignal.timeout(30_000) });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    return { name: 'fastify', url: address, guard, close: () => app.close() };
  } catch (err) {
    await app.close();
    await guard.close();
    throw err;
  }
}
