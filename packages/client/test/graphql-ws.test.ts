// @tessera/client/graphql-ws against @tessera/guard/graphql-ws, with tokens from a real Tessera
// app whose access tokens live 6 seconds: subscriptions outlive several tokens, revocation ends them.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createGuard, type Guard } from '@tessera/guard';
import { graphqlWsGuard } from '@tessera/guard/graphql-ws';
import { buildSchema } from 'graphql';
import { createClient as createWsClient } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import WebSocket, { WebSocketServer } from 'ws';
import type { TestApp } from '../../server/test/helpers/http.js';
import { addUser, PASSWORD } from '../../server/test/helpers/service.js';
import { graphqlWsAuth } from '../src/graphql-ws.js';
import { type ClientEvent, createClient } from '../src/index.js';
import { LIVE_ISSUER, startLiveApp } from './support/live-app.js';

// Short, with room: the client refreshes at 60-80 % of 5 s (expires_in less a second), so a
// second or more before the guard would close the socket for expiry, even on a busy machine.
const TTL_SECONDS = 6;

/** Polls `check` every 20 ms; fails after 20 s instead of hanging the run. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const schema = buildSchema('type Query { me: String } type Subscription { ticks: String }');

describe('@tessera/client/graphql-ws with @tessera/guard/graphql-ws', { timeout: 60_000 }, () => {
  let app: { url: string; t: TestApp };
  let guard: Guard;
  let wsUrl: string;
  let dispose: () => Promise<void>;

  before(async () => {
    app = await startLiveApp({ accessTokenTtlSeconds: TTL_SECONDS });
    guard = createGuard({
      issuer: LIVE_ISSUER,
      audience: 'tessera',
      algorithms: ['EdDSA'],
      jwksUri: `${app.url}/.well-known/jwks.json`,
      revocations: { url: `${app.url}/auth/revocations`, intervalMs: 50 },
    });
    await guard.ready();
    const wsGuard = graphqlWsGuard(guard, { recheckIntervalMs: 50 });
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => wss.once('listening', resolve));
    wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    const server = useServer(
      {
        schema,
        ...wsGuard,
        context: (ctx) => ({ auth: wsGuard.auth(ctx) }),
        roots: {
          subscription: {
            async *ticks(_args: unknown, context: { auth?: { subject: string } }) {
              for (;;) {
                yield { ticks: context.auth?.subject };
                await new Promise((r) => setTimeout(r, 50));
              }
            },
          },
        },
      },
      wss,
    );
    dispose = async () => void (await server.dispose());
  });
  after(async () => {
    await dispose?.();
    await guard?.close();
    await app?.t.cleanup();
  });

  async function signedIn(email: string) {
    const id = await addUser(app.t.service, email);
    const events: ClientEvent[] = [];
    const client = createClient({ baseUrl: app.url, mode: 'token' });
    client.subscribe((e) => events.push(e));
    await client.login(email, PASSWORD);
    const auth = graphqlWsAuth(client);
    const closes: number[] = [];
    const ws = createWsClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      ...auth,
      on: {
        ...auth.on,
        closed: (e) => {
          auth.on.closed?.(e);
          closes.push((e as { code: number }).code);
        },
      },
    });
    return { id, client, events, auth, ws, closes };
  }

  test('a subscription outlives several access tokens: the socket restarts with each new token, never closed for expiry', async () => {
    const { id, client, events, auth, ws, closes } = await signedIn('ada@example.com');
    const seen: unknown[] = [];
    const stop = ws.subscribe(
      { query: 'subscription { ticks }' },
      { next: (r) => void seen.push(r.data?.ticks), error: () => {}, complete: () => {} },
    );
    // Until two refreshes happened: longer than the first token lived.
    await until(() => events.filter((e) => e === 'refreshed').length >= 2, 'two refreshes');
    const before = seen.length;
    await until(() => seen.length >= before + 3, 'ticks after the second refresh');
    stop();
    assert.ok(closes.length >= 2, `the socket restarted (${closes.join(',')})`);
    assert.deepEqual(new Set(closes), new Set([4205]), 'only restarts: never 4401 or 4403');
    assert.deepEqual(new Set(seen), new Set([id]));
    auth.dispose();
    await ws.dispose();
    await client.logout();
  });

  test('a revoked session: the server closes with 4403, the client renews, finds the session over and stops', async () => {
    const { id, client, events, ws, closes } = await signedIn('bob@example.com');
    let ticks = 0;
    const ended = new Promise<unknown>((resolve) => {
      ws.subscribe(
        { query: 'subscription { ticks }' },
        { next: () => void ticks++, error: resolve, complete: () => resolve('complete') },
      );
    });
    await until(() => ticks > 0, 'a first tick');
    await app.t.service.sessions.logoutAll(id);
    const err = await ended;
    assert.notEqual(err, 'complete');
    assert.ok(closes.includes(4403), `closes: ${closes.join(',')}`);
    assert.ok(!closes.includes(4401));
    assert.equal(client.status, 'signed-out');
    assert.deepEqual(events, ['signed-in', 'signed-out']);
    await ws.dispose();
  });
});
