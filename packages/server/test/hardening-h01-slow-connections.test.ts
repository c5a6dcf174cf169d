// Hardening H1 (docs/security.md): slow and idle connections must not hold the server. Found
// against `tessera serve`: 19,990 connections from one address, each sending one byte of a
// declared 100-byte body, held every file descriptor; /healthz stopped answering and only 14
// were closed after 25 s. Here, over real sockets: slow bodies, trickled headers, silent and
// idle keep-alive connections are closed at their deadlines while /healthz answers; the
// connection cap holds; and an overloaded event loop is answered 503 at once.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { loadConfig } from '../src/config.js';
import { bearer, errorBody, json, openTestApp, signIn, type TestAppOptions } from './helpers/http.js';
import { getFresh, type HeldSocket, holdSocket, holdSockets, until } from './helpers/sockets.js';

/** Deadlines of the waits below: generous, since a shared machine can be slow; a pass is fast. */
const DEADLINE_MS = 15_000;

/**
 * An app listening on 127.0.0.1; `held` collects the test's client sockets, destroyed before the
 * app closes (a close waits for connections that are mid-request).
 */
async function listening(config: TestAppOptions['config']) {
  const t = await openTestApp({ ...(config === undefined ? {} : { config }) });
  const held: HeldSocket[] = [];
  after(async () => {
    for (const h of held) h.socket.destroy();
    await t.cleanup();
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return { t, held, port: (t.app.server.address() as AddressInfo).port };
}

const openCount = (held: HeldSocket[]) => held.filter((h) => !h.isClosed()).length;

describe('H1 slow and idle connections', () => {
  it('the settings have sane defaults and environment variables', () => {
    const config = loadConfig({}, {});
    assert.equal(config.requestTimeoutMs, 10_000);
    assert.equal(config.headersTimeoutMs, 5_000);
    assert.equal(config.keepAliveTimeoutMs, 5_000);
    assert.equal(config.maxConnections, 10_000);
    assert.equal(config.maxEventLoopDelayMs, 1_000);
    const fromEnv = loadConfig(
      {},
      {
        TESSERA_REQUEST_TIMEOUT_MS: '2000',
        TESSERA_HEADERS_TIMEOUT_MS: '1000',
        TESSERA_KEEP_ALIVE_TIMEOUT_MS: '61000',
        TESSERA_MAX_CONNECTIONS: '500',
        TESSERA_MAX_EVENT_LOOP_DELAY_MS: '0',
      },
    );
    assert.equal(fromEnv.requestTimeoutMs, 2000);
    assert.equal(fromEnv.headersTimeoutMs, 1000);
    assert.equal(fromEnv.keepAliveTimeoutMs, 61_000);
    assert.equal(fromEnv.maxConnections, 500);
    assert.equal(fromEnv.maxEventLoopDelayMs, 0);
    assert.throws(() => loadConfig({ requestTimeoutMs: 0 }, {}), /requestTimeoutMs/);
  });

  it('300 slow bodies (1 byte of a declared 100) get 408 and are closed at requestTimeoutMs; /healthz answers meanwhile', async () => {
    const { held, port } = await listening({ requestTimeoutMs: 1000, headersTimeoutMs: 1000 });
    const slowBody =
      'POST /auth/logout HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      'Content-Length: 100\r\n\r\n{';
    held.push(...(await holdSockets(300, port, slowBody)));

    // While they are held, a new client is served.
    const during = await getFresh(port, '/healthz');
    assert.deepEqual(during, { status: 200, body: '{"status":"ok"}' });

    assert.ok(await until(() => openCount(held) === 0, DEADLINE_MS), `${openCount(held)} of 300 still open`);
    const answered408 = held.filter((h) => h.received().startsWith('HTTP/1.1 408')).length;
    assert.ok(answered408 > 0, 'the server said why (408)');
    assert.deepEqual(await getFresh(port, '/healthz'), { status: 200, body: '{"status":"ok"}' });
  });

  it('trickled headers and silent connections are closed at headersTimeoutMs, well before requestTimeoutMs', async () => {
    const { held, port } = await listening({ requestTimeoutMs: 60_000, headersTimeoutMs: 1000 });
    const trickling = await holdSockets(20, port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const silent = await holdSockets(20, port);
    held.push(...trickling, ...silent);
    // One more header byte every 100 ms: never idle, never complete.
    const drip = setInterval(() => {
      for (const h of trickling) if (!h.isClosed()) h.socket.write('a');
    }, 100);
    after(() => clearInterval(drip));

    assert.deepEqual(await getFresh(port, '/healthz'), { status: 200, body: '{"status":"ok"}' });
    assert.ok(await until(() => openCount(held) === 0, DEADLINE_MS), `${openCount(held)} of 40 still open`);
    clearInterval(drip);
  });

  it('an idle keep-alive connection is closed after keepAliveTimeoutMs', async () => {
    const { held, port } = await listening({ keepAliveTimeoutMs: 500 });
    const client = await holdSocket(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    held.push(client);
    assert.ok(await until(() => client.received().includes('{"status":"ok"}'), DEADLINE_MS));
    assert.match(client.received(), /keep-alive/i, 'the connection was kept open after the answer');
    assert.ok(await until(() => client.isClosed(), DEADLINE_MS), 'the idle connection is still open');
  });

  it('maxConnections holds: connections beyond it are closed on arrival and counted; the cap cannot spare /healthz', async () => {
    const { t, held, port } = await listening({
      maxConnections: 30,
      requestTimeoutMs: 60_000,
      headersTimeoutMs: 60_000,
    });
    held.push(...(await holdSockets(30, port)));
    const extra = await holdSocket(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    held.push(extra);
    assert.ok(await until(() => extra.isClosed(), DEADLINE_MS), 'the 31st connection was not closed');
    assert.equal(extra.received(), '', 'nothing was read or answered on it');
    assert.equal(openCount(held), 30, 'the connections within the cap are kept');
    // TCP has no room for exceptions: a health check is one more connection (documented).
    assert.ok('error' in (await getFresh(port, '/healthz')));
    const metrics = (await t.metricsApp.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /^tessera_http_connections_dropped_total [1-9]/m);

    for (const h of held.slice(0, 5)) h.socket.destroy();
    assert.ok(
      await until(async () => 'status' in (await getFresh(port, '/healthz')), DEADLINE_MS, 100),
      'a freed slot serves again',
    );
  });
});

describe('H1 event-loop pressure', () => {
  it('while the event loop lags past maxEventLoopDelayMs: 503 temporarily_unavailable with Retry-After, /healthz says overloaded; then back to normal', async () => {
    const t = await openTestApp({ config: { maxEventLoopDelayMs: 200 } });
    after(() => t.cleanup());
    const tokens = await signIn(t, 'ada@example.com');
    const healthz = () => t.app.inject({ method: 'GET', url: '/healthz' });
    // Starting the app (and the login's hashing) may itself have lagged the loop: wait for calm.
    assert.ok(await until(async () => (await healthz()).statusCode === 200, DEADLINE_MS, 50));

    // Load: the loop is busy 600 ms at a time, yielding only briefly in between.
    let busy = true;
    const load = (async () => {
      while (busy) {
        const end = performance.now() + 600;
        while (performance.now() < end) {
          // spin
        }
        await yieldToLoop();
      }
    })();
    after(async () => {
      busy = false;
      await load;
    });
    assert.ok(await until(async () => (await healthz()).statusCode === 503, DEADLINE_MS));
    const shed = await healthz();
    assert.deepEqual(json(shed), { status: 'overloaded' });
    assert.equal(shed.headers['retry-after'], '5');
    const me = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(tokens.access_token) });
    assert.equal(me.statusCode, 503);
    assert.equal(errorBody(me).error, 'temporarily_unavailable');
    assert.equal(me.headers['retry-after'], '5');
    assert.equal(me.headers['cache-control'], 'no-store');

    busy = false;
    await load;
    assert.ok(await until(async () => (await healthz()).statusCode === 200, DEADLINE_MS, 50));
    const again = await t.app.inject({
      method: 'GET',
      url: '/auth/me',
      headers: bearer(tokens.access_token),
    });
    assert.equal(again.statusCode, 200);
  });
});
