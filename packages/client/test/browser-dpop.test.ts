// DPoP in Chromium: the key pair WebCrypto made is non-extractable, lives in IndexedDB (so a
// reload keeps the binding), and every auth request and API call carries a proof. The origin is
// a node:http server in front of the fake server (test/support/fake-server.ts), which verifies
// every proof with @tessera/jwt and binds the session to the key's thumbprint.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { decodeJwtUnverified, jwkThumbprint } from '@tessera/jwt';
import type { Page } from 'playwright-core';
import { CONFIG_SCHEMA } from '../../server/src/config/schema.js';
import { addUser, PASSWORD as USER_PASSWORD } from '../../server/test/helpers/service.js';
import type * as Dpop from '../src/dpop.js';
import {
  bundleClient,
  type Harness,
  launchBrowser,
  readBody,
  skipBrowser,
  startHarness,
} from './support/browser-harness.js';
import { FakeServer } from './support/fake-server.js';

declare global {
  interface Window {
    /** The same module as window.tessera: the bundle exports `@tessera/client/dpop` too. */
    tesseraDpop: typeof Dpop;
  }
}

const PASSWORD = 'right password';
const PAGE = `<!doctype html><meta charset="utf-8"><title>tessera dpop test</title>
<script type="module">import * as t from '/client.js'; window.tessera = t;</script>`;

async function openTab(page: Page, origin: string): Promise<void> {
  if (page.url().startsWith(origin)) await page.reload();
  else await page.goto(`${origin}/`);
  await page.waitForFunction(() => window.tessera !== undefined);
  await page.evaluate(() => {
    window.tesseraDpop = window.tessera as unknown as typeof Dpop;
    window.client = window.tessera.createClient({
      baseUrl: location.origin,
      mode: 'browser',
      autoRefresh: false,
      dpop: window.tesseraDpop.dpop(),
    });
  });
}

/** What IndexedDB holds for this origin's client, read in the page. */
const storedKey = (page: Page) =>
  page.evaluate(async () => {
    const pair = await window.tesseraDpop.indexedDbKeyStore(location.origin).get();
    if (!pair) return null;
    const exported = await crypto.subtle.exportKey('jwk', pair.privateKey).then(
      () => 'exported',
      (err: Error) => err.name,
    );
    return {
      privateClass: Object.prototype.toString.call(pair.privateKey),
      extractable: pair.privateKey.extractable,
      usages: pair.privateKey.usages,
      algorithm: pair.privateKey.algorithm as EcKeyAlgorithm,
      exported,
      publicJwk: await crypto.subtle.exportKey('jwk', pair.publicKey),
    };
  });

describe('@tessera/client/dpop in Chromium', { skip: skipBrowser }, () => {
  const fake = new FakeServer();
  fake.dpop = { nonces: true, now: Date.now };
  let server: Server;
  let origin: string;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  before(async () => {
    const script = await bundleClient();
    server = createServer((req, res) => {
      if (req.url === '/' || req.url === '/client.js') {
        res.writeHead(200, { 'content-type': req.url === '/' ? 'text/html' : 'text/javascript' });
        res.end(req.url === '/' ? PAGE : script);
        return;
      }
      if (req.url === '/favicon.ico') return void res.writeHead(404).end();
      void (async () => {
        const body = await readBody(req);
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers))
          if (typeof value === 'string') headers.set(name, value);
        const answer = await fake.fetch(
          new Request(`${origin}${req.url}`, {
            method: req.method ?? 'GET',
            headers,
            ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
          }),
          // The fake keeps this browser's refresh cookie itself (browser mode).
          { credentials: 'include' },
        );
        res.writeHead(answer.status, Object.fromEntries(answer.headers));
        res.end(Buffer.from(await answer.arrayBuffer()));
      })().catch(() => res.writeHead(502).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  test('a non-extractable key in IndexedDB, proofs on every request, the binding kept across a reload, a new key after logout', async () => {
    const page = await browser.context.newPage();
    await openTab(page, origin);
    await page.evaluate((p) => window.client.login('ada@example.com', p), PASSWORD);
    // The server asked for its nonce once (use_dpop_nonce), the login was retried once.
    assert.equal(fake.count('POST /auth/login'), 2);
    assert.deepEqual(fake.proofErrors, ['ERR_DPOP_NONCE']);

    const key = await storedKey(page);
    assert.ok(key, 'the key pair is in IndexedDB');
    assert.equal(key.privateClass, '[object CryptoKey]', 'a CryptoKey, not key material');
    assert.equal(key.extractable, false);
    assert.deepEqual(key.usages, ['sign']);
    assert.equal(key.algorithm.namedCurve, 'P-256');
    assert.equal(key.exported, 'InvalidAccessError', 'exportKey of the private key fails');
    assert.equal(key.publicJwk.d, undefined);
    const jkt = jwkThumbprint({ kty: 'EC', crv: 'P-256', x: key.publicJwk.x!, y: key.publicJwk.y! });
    assert.equal(fake.proofs[0]!.proof.jkt, jkt, 'the login proof is signed by that key');

    assert.equal(
      await page.evaluate(() => window.client.fetch('/api/orders?page=2').then((r) => r.status)),
      200,
    );
    const call = fake.requests.at(-1)!;
    assert.match(call.headers.get('authorization')!, /^DPoP at-/);
    const proof = fake.proofs.at(-1)!.proof;
    assert.equal(proof.payload.htu, `${origin}/api/orders`);
    assert.equal(proof.payload.htm, 'GET');
    assert.ok(proof.payload.ath, 'the proof is bound to the access token');
    assert.equal(proof.payload.nonce, fake.nonce);

    // Reload: the access token is gone from memory; the key is not. The refresh (the cookie
    // session is bound to the key) and the next call are signed by the same key.
    await openTab(page, origin);
    assert.equal(await page.evaluate(() => window.client.restore()), true);
    assert.equal(await page.evaluate(() => window.client.fetch('/api/x').then((r) => r.status)), 200);
    // The nonce lived in the page's memory: the first refresh after the reload is asked for it.
    assert.equal(fake.count('POST /auth/refresh'), 2);
    assert.deepEqual(fake.proofErrors, ['ERR_DPOP_NONCE', 'ERR_DPOP_NONCE']);
    assert.deepEqual(new Set(fake.proofs.map((p) => p.proof.jkt)), new Set([jkt]));
    assert.deepEqual(
      fake.proofs.map((p) => p.path),
      ['/auth/login', '/api/orders', '/auth/refresh', '/api/x'],
    );

    // Logout deletes the key; the next login makes a new one.
    await page.evaluate(() => window.client.logout());
    assert.equal(fake.proofs.at(-1)!.path, '/auth/logout');
    assert.equal(await storedKey(page), null);
    await page.evaluate((p) => window.client.login('ada@example.com', p), PASSWORD);
    const next = await storedKey(page);
    assert.ok(next);
    assert.notEqual(next.publicJwk.x, key.publicJwk.x);
    assert.notEqual(fake.proofs.at(-1)!.proof.jkt, jkt);
    await page.close();
  });

  test('two tabs that make their first proof at the same time end up with one key in IndexedDB', async () => {
    const [a, b] = [await browser.context.newPage(), await browser.context.newPage()];
    await openTab(a, origin);
    await openTab(b, origin);
    await a.evaluate(() => window.tesseraDpop.indexedDbKeyStore(location.origin).delete());
    const before = fake.proofs.length;
    await Promise.all(
      [a, b].map((page) => page.evaluate((p) => window.client.login('ada@example.com', p), PASSWORD)),
    );
    const logins = fake.proofs.slice(before).filter((p) => p.path === '/auth/login');
    assert.equal(logins.length, 2);
    assert.equal(logins[0]!.proof.jkt, logins[1]!.proof.jkt, 'both tabs signed with the same key');
    const stored = await storedKey(b);
    assert.equal(
      jwkThumbprint({ kty: 'EC', crv: 'P-256', x: stored!.publicJwk.x!, y: stored!.publicJwk.y! }),
      logins[0]!.proof.jkt,
    );
    await a.close();
    await b.close();
  });
});

/** Until the server speaks DPoP (its `dpop` configuration), there is nothing to test against. */
const noServerDpop =
  'dpop' in CONFIG_SCHEMA.properties ? false : 'the server has no DPoP support (no `dpop` config)';

describe('@tessera/client/dpop in Chromium against the Tessera app', {
  skip: skipBrowser || noServerDpop,
}, () => {
  let h: Harness;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  before(async () => {
    h = await startHarness({ config: { dpop: { nonce: true } } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  test('browser mode with server nonces: a bound cookie session survives a reload through the IndexedDB key', async () => {
    await addUser(h.t.service, 'grace@example.com');
    const page = await browser.context.newPage();
    await openTab(page, h.origin);
    await page.evaluate((p) => window.client.login('grace@example.com', p), USER_PASSWORD);
    const key = await storedKey(page);
    assert.ok(key);
    assert.equal(key.extractable, false);
    assert.equal(key.exported, 'InvalidAccessError');
    const jkt = jwkThumbprint({ kty: 'EC', crv: 'P-256', x: key.publicJwk.x!, y: key.publicJwk.y! });
    const bound = async () => {
      const token = (await page.evaluate(() => window.client.getAccessToken())) as string;
      return (decodeJwtUnverified(token).payload.cnf as { jkt?: string } | undefined)?.jkt;
    };
    assert.equal(await bound(), jkt, 'the access token is bound to the IndexedDB key');
    const me = () =>
      page.evaluate(async () => {
        const res = await window.client.fetch('/auth/me');
        return { status: res.status, body: await res.json() };
      });
    assert.deepEqual((await me()).status, 200);

    await openTab(page, h.origin);
    assert.equal(await page.evaluate(() => window.client.restore()), true);
    assert.equal(await bound(), jkt, 'after the reload: the same key, the cookie session refreshed');
    const after = await me();
    assert.equal(after.status, 200);
    assert.equal(after.body.email, 'grace@example.com');

    await page.evaluate(() => window.client.logout());
    assert.equal(await storedKey(page), null);
    await openTab(page, h.origin);
    assert.equal(
      await page.evaluate(() => window.client.restore()),
      false,
      'the session ended on the server',
    );
    await page.close();
  });
});
