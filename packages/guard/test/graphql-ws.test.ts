// graphqlWsGuard on a real graphql-ws server (ws) with real graphql-ws clients.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, test } from 'node:test';
import { buildSchema } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import WebSocket, { WebSocketServer } from 'ws';
import { graphqlWsGuard } from '../src/adapters/graphql-ws.js';
import type { Guard } from '../src/index.js';
import { closeAll, feedServer, guardFor, track } from './support/feed-fixtures.js';
import { testGuard } from './support/guards.js';
import { waitFor } from './support/http-server.js';
import { accessToken, nowSeconds } from './support/keys.js';

afterEach(closeAll);

const schema = buildSchema(`
  type Query { me: String }
  type Subscription { ticks: Int }
`);

/** A graphql-ws server guarded by `guard`; counts the resolver runs. */
async function graphqlServer(guard: Guard, recheckIntervalMs = 5000) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  const wsGuard = graphqlWsGuard(guard, { recheckIntervalMs });
  const stats = { resolved: 0 };
  const server = useServer(
    {
      schema,
      ...wsGuard,
      context: (ctx) => ({ auth: wsGuard.auth(ctx) }),
      roots: {
        query: {
          me: (_args: unknown, context: { auth?: { subject: string } }) => {
            stats.resolved++;
            return context.auth?.subject ?? null;
          },
        },
        subscription: {
          async *ticks() {
            for (let i = 0; ; i++) {
              yield { ticks: i };
              await new Promise((r) => setTimeout(r, 20));
            }
          },
        },
      },
    },
    wss,
  );
  track({ close: async () => void (await server.dispose()) });
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, stats };
}

/** A graphql-ws client that never retries, recording the close codes it sees. */
function wsClient(url: string, authorization: string | undefined) {
  const closes: number[] = [];
  const client: Client = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: authorization === undefined ? {} : { authorization },
    on: { closed: (event) => closes.push((event as { code: number }).code) },
  });
  track({ close: async () => void (await client.dispose()) });
  return { client, closes };
}

/** Runs a query to its end: the data, or the close code / error it failed with. */
function query(client: Client): Promise<unknown> {
  return new Promise((resolve) => {
    let data: unknown;
    client.subscribe(
      { query: '{ me }' },
      {
        next: (result) => (data = result.data),
        error: (err) => resolve((err as { code?: number }).code ?? err),
        complete: () => resolve(data),
      },
    );
  });
}

// A step that hangs fails its own test with its name, well before the runner's timeout.
describe('@tessera/guard/graphql-ws', { timeout: 30_000 }, () => {
  test('authenticates connectionParams.authorization and hands the AuthContext to resolvers', async () => {
    const { url } = await graphqlServer(track(testGuard()));
    const { client } = wsClient(url, `Bearer ${accessToken()}`);
    assert.deepEqual(await query(client), { me: 'user-1' });
  });

  test('no token, a bad token or an expired one: the socket is closed with 4401', async () => {
    const { url, stats } = await graphqlServer(track(testGuard()));
    for (const authorization of [
      undefined,
      'Bearer not.a.token',
      `Bearer ${accessToken({ exp: nowSeconds() - 5 })}`,
    ]) {
      const { client, closes } = wsClient(url, authorization);
      assert.equal(await query(client), 4401);
      assert.deepEqual(closes, [4401]);
    }
    assert.equal(stats.resolved, 0);
  });

  test('the socket is closed with 4401 when the token expires mid-subscription', async () => {
    const { url } = await graphqlServer(track(testGuard()));
    // One to two seconds left: enough to connect on a busy machine, short enough to wait for.
    const { client, closes } = wsClient(url, `Bearer ${accessToken({ exp: nowSeconds() + 2 })}`);
    let ticks = 0;
    const ended = new Promise((resolve) => {
      client.subscribe(
        { query: 'subscription { ticks }' },
        { next: () => ticks++, error: resolve, complete: () => resolve('complete') },
      );
    });
    assert.equal(((await ended) as { code: number }).code, 4401);
    assert.ok(ticks > 0, 'the subscription ran until then');
    assert.deepEqual(closes, [4401]);
  });

  test('a session revoked by the feed is closed with 4403 by the periodic check', async () => {
    const feed = await feedServer();
    const guard = guardFor(feed);
    await guard.ready();
    const { url } = await graphqlServer(guard, 20);
    const { client, closes } = wsClient(url, `Bearer ${accessToken()}`);
    const ended = new Promise((resolve) => {
      client.subscribe(
        { query: 'subscription { ticks }' },
        { next: () => {}, error: resolve, complete: () => resolve('complete') },
      );
    });
    await waitFor(() => closes.length === 0 && feed.requests.length > 1, 'the feed polled');
    feed.revoke('sess-1', nowSeconds() + 60, nowSeconds() + 600);
    assert.equal(((await ended) as { code: number }).code, 4403);
    assert.deepEqual(closes, [4403]);
  });

  test('an operation after the revocation never runs: the socket closes with 4403 first', async () => {
    const feed = await feedServer();
    const guard = guardFor(feed);
    await guard.ready();
    const { url, stats } = await graphqlServer(guard, 60_000);
    const { client, closes } = wsClient(url, `Bearer ${accessToken()}`);
    // A running subscription keeps the (lazy) socket open between the two queries.
    client.subscribe(
      { query: 'subscription { ticks }' },
      { next: () => {}, error: () => {}, complete: () => {} },
    );
    assert.deepEqual(await query(client), { me: 'user-1' });
    feed.revoke('sess-1', nowSeconds() + 60, nowSeconds() + 600);
    await waitFor(() => guard.status().revocations?.entries === 1, 'the revocation');
    assert.deepEqual(closes, [], 'still open: the periodic check is a minute away');
    assert.equal(await query(client), 4403);
    assert.deepEqual(closes, [4403]);
    assert.equal(stats.resolved, 1);
  });

  test('options are checked when the hooks are built', () => {
    assert.throws(() => graphqlWsGuard(testGuard(), { recheckIntervalMs: 0 }), /recheckIntervalMs/);
  });
});
