// Hardening H13 (docs/security.md): operational endpoints open only where configured so.
// Found against `tessera serve`: /metrics (login and failure counts, process details) was public
// on the API port, and so was the revocation feed. Now /metrics is served only on a listener of
// its own (`metricsPort`, on `metricsHost`, loopback by default), and `revocationFeedSecret` makes
// /auth/revocations and every route under it require `Authorization: Bearer <secret>`.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../src/config.js';
import { buildServers } from '../src/http/build-servers.js';
import { createMetrics } from '../src/http/metrics.js';
import { assertBuilt, makeWorkspace } from './helpers/e2e-cli.js';
import { killAllServers, startServer } from './helpers/e2e-server.js';
import { errorBody, json, openTestApp } from './helpers/http.js';
import { openTestService } from './helpers/service.js';
import { until } from './helpers/sockets.js';

const SECRET = 'c2VjcmV0LWZvci10aGUtcmV2b2NhdGlvbi1mZWVkLTEyMzQ1Njc4';

describe('H13 /metrics off the API port', () => {
  it('the API app does not serve /metrics', async () => {
    const t = await openTestApp();
    after(() => t.cleanup());
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 404);
    assert.equal(errorBody(res).error, 'not_found');
  });

  it('without metricsPort there is no metrics listener at all', async () => {
    const base = await openTestService({ config: { port: 0 } });
    after(() => base.cleanup());
    const servers = await buildServers({ service: base.service, metrics: createMetrics(), logger: false });
    after(() => servers.close());
    const { address, metricsAddress } = await servers.listen();
    assert.equal(servers.metricsApp, undefined);
    assert.equal(metricsAddress, undefined);
    assert.equal((await fetch(`${address}/metrics`)).status, 404);
  });

  it('with metricsPort, /metrics answers on its own listener on 127.0.0.1, and only there', async () => {
    const base = await openTestService({ config: { port: 0, metricsPort: 0 } });
    after(() => base.cleanup());
    const metrics = createMetrics({ defaultMetrics: false });
    const servers = await buildServers({ service: base.service, metrics, logger: false });
    after(() => servers.close());
    const { address, metricsAddress } = await servers.listen();
    assert.ok(metricsAddress !== undefined && metricsAddress !== address);
    assert.match(metricsAddress, /^http:\/\/127\.0\.0\.1:\d+$/);

    const scrape = await fetch(`${metricsAddress}/metrics`);
    assert.equal(scrape.status, 200);
    assert.equal(scrape.headers.get('cache-control'), 'no-store');
    assert.match(await scrape.text(), /# TYPE tessera_logins_total counter/);
    assert.equal((await fetch(`${address}/metrics`)).status, 404);
    // The metrics listener serves nothing of the API.
    assert.equal((await fetch(`${metricsAddress}/healthz`)).status, 404);
    assert.equal((await fetch(`${metricsAddress}/.well-known/jwks.json`)).status, 404);
  });

  it('`tessera serve` starts the metrics listener with the API and stops it on SIGTERM', async () => {
    assertBuilt();
    const ws = await makeWorkspace({ metricsPort: 0 });
    after(async () => {
      await killAllServers();
      await ws.remove();
    });
    const server = await startServer(ws.storeArgs);
    const line = /metrics (http:\/\/127\.0\.0\.1:\d+)\/metrics/;
    assert.ok(await until(() => line.test(server.output()), 10_000), server.output());
    const metricsUrl = `${line.exec(server.output())![1]}/metrics`;
    assert.equal((await fetch(metricsUrl)).status, 200);
    assert.equal((await fetch(`${server.url}/metrics`)).status, 404);
    await server.stop('SIGTERM');
    assert.equal(server.process.exitCode, 0, server.output());
    await assert.rejects(fetch(metricsUrl), 'the metrics listener is closed');
  });

  it('metricsHost defaults to loopback; metricsPort may not be the API port', () => {
    assert.equal(loadConfig({}, {}).metricsHost, '127.0.0.1');
    assert.equal(loadConfig({}, {}).metricsPort, undefined);
    assert.equal(loadConfig({}, { TESSERA_METRICS_PORT: '9464' }).metricsPort, 9464);
    assert.throws(
      () => loadConfig({ port: 3000, metricsPort: 3000 }, {}),
      /metricsPort must differ from port/,
    );
  });
});

describe('H13 revocation feed secret', () => {
  it('without revocationFeedSecret the feed stays public', async () => {
    const t = await openTestApp();
    after(() => t.cleanup());
    assert.equal((await t.app.inject({ method: 'GET', url: '/auth/revocations' })).statusCode, 200);
  });

  it('with it: no Authorization is 401 unauthorized, a wrong secret 401 invalid_token, the secret 200 — under /auth/revocations/* too', async () => {
    const t = await openTestApp({ captureLogs: true, config: { revocationFeedSecret: SECRET } });
    after(() => t.cleanup());
    // A route added under the feed later (a stream, say) is covered without further code.
    t.app.get('/auth/revocations/added-later', async () => ({ ok: true }));
    for (const url of ['/auth/revocations?after=0', '/auth/revocations/added-later']) {
      const none = await t.app.inject({ method: 'GET', url });
      assert.equal(none.statusCode, 401, url);
      assert.equal(errorBody(none).error, 'unauthorized');
      assert.equal(none.headers['www-authenticate'], 'Bearer realm="tessera"');
      for (const wrong of [`${SECRET}x`, SECRET.slice(0, -1), 'short', `${SECRET.slice(0, -1)}A`]) {
        const res = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${wrong}` } });
        assert.equal(res.statusCode, 401, `${url} with a wrong secret`);
        assert.equal(errorBody(res).error, 'invalid_token');
      }
      const basic = await t.app.inject({ method: 'GET', url, headers: { authorization: `Basic ${SECRET}` } });
      assert.equal(basic.statusCode, 401);
      const ok = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${SECRET}` } });
      assert.equal(ok.statusCode, 200, url);
    }
    const page = await t.app.inject({
      method: 'GET',
      url: '/auth/revocations',
      headers: { authorization: `Bearer ${SECRET}` },
    });
    assert.deepEqual(Object.keys(json(page)).sort(), ['cursor', 'revoked']);
    // Nothing else needs it.
    assert.equal((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    assert.equal((await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).statusCode, 200);
    assert.ok(!t.logs!.text.includes(SECRET.slice(8)), 'the secret is not logged');
  });

  it('the secret is checked when loaded and never echoed', () => {
    assert.equal(loadConfig({}, { TESSERA_REVOCATION_FEED_SECRET: SECRET }).revocationFeedSecret, SECRET);
    for (const bad of ['too-short-secret', `${SECRET} with spaces`]) {
      assert.throws(
        () => loadConfig({ revocationFeedSecret: bad }, {}),
        (err: Error) =>
          /revocationFeedSecret must be at least 32 characters/.test(err.message) &&
          !err.message.includes(bad),
      );
    }
  });
});
