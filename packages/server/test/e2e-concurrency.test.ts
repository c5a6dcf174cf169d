// 50 parallel refreshes of ONE refresh token against running `tessera serve` processes: exactly one
// successor exists, every 200 carries it (the grace window answers retries with the same one), and
// the store holds exactly that one live successor.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { refreshTokenHash } from '../src/service/secrets.js';
import { assertBuilt, makeWorkspace } from './helpers/e2e-cli.js';
import { call, killAllServers, type RunningServer, startServer } from './helpers/e2e-server.js';

const PASSWORD = 'correct horse battery staple';
const PARALLEL = 50;
const GENEROUS = { max: 10_000, windowMs: 60_000 };

const hashOf = refreshTokenHash;

interface TokenRow {
  hash: string;
  used_at: number | null;
  successor_hash: string | null;
  expires_at: number;
}

describe('concurrent refresh of one refresh token', () => {
  let ws: Awaited<ReturnType<typeof makeWorkspace>>;
  let servers: RunningServer[] = [];

  before(async () => {
    assertBuilt();
    ws = await makeWorkspace({
      rateLimits: {
        loginPerIp: GENEROUS,
        loginPerEmail: GENEROUS,
        registerPerIp: GENEROUS,
        refreshPerIp: GENEROUS,
      },
    });
    servers = [await startServer(ws.storeArgs)];
    const body = { email: 'race@example.com', password: PASSWORD };
    assert.equal((await call(servers[0]!.url, 'POST', '/auth/register', { body })).status, 201);
  });
  after(async () => {
    await killAllServers();
    await ws.remove();
  });

  async function login(): Promise<{ refresh_token: string; session_id: string }> {
    const r = await call(servers[0]!.url, 'POST', '/auth/login', {
      body: { email: 'race@example.com', password: PASSWORD },
    });
    assert.equal(r.status, 200);
    return r.body;
  }

  /** The session's refresh-token rows, read straight from the SQLite file the servers share. */
  function storedTokens(sessionId: string): TokenRow[] {
    const db = new Database(join(ws.dataDir, 'tessera.db'), { readonly: true, fileMustExist: true });
    try {
      return db
        .prepare('SELECT hash, used_at, successor_hash, expires_at FROM refresh_tokens WHERE session_id = ?')
        .all(sessionId) as TokenRow[];
    } finally {
      db.close();
    }
  }

  /** Fires PARALLEL refreshes of `token` at once, spread over the running servers. */
  async function race(token: string) {
    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        call(servers[i % servers.length]!.url, 'POST', '/auth/refresh', { body: { refresh_token: token } }),
      ),
    );
    return responses;
  }

  function checkOneSuccessor(
    original: { refresh_token: string; session_id: string },
    responses: Awaited<ReturnType<typeof race>>,
  ): string {
    assert.deepEqual(
      responses.map((r) => r.status),
      Array(PARALLEL).fill(200),
      'every retry inside the grace window succeeds',
    );
    const successors = new Set(responses.map((r) => r.body.refresh_token as string));
    assert.equal(successors.size, 1, 'exactly one distinct successor among all the 200s');
    const [successor] = successors as Set<string>;
    assert.notEqual(successor, original.refresh_token);
    for (const r of responses) assert.equal(r.body.session_id, original.session_id);

    const rows = storedTokens(original.session_id);
    const live = rows.filter((row) => row.used_at === null);
    assert.equal(rows.length, 2, 'the original and one successor, nothing else');
    assert.deepEqual(
      live.map((row) => row.hash),
      [hashOf(successor as string)],
    );
    const used = rows.find((row) => row.hash === hashOf(original.refresh_token));
    assert.equal(used?.successor_hash, hashOf(successor as string));
    return successor as string;
  }

  it('against one server: 50 parallel refreshes give one successor, stored once', async () => {
    const original = await login();
    const successor = checkOneSuccessor(original, await race(original.refresh_token));
    const next = await call(servers[0]!.url, 'POST', '/auth/refresh', { body: { refresh_token: successor } });
    assert.equal(next.status, 200, 'the successor is live');
  });

  it('against two servers on one data directory: still one successor', async () => {
    servers.push(await startServer(ws.storeArgs));
    const original = await login();
    checkOneSuccessor(original, await race(original.refresh_token));
  });
});
