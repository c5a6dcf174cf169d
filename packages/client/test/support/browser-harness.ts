// Real Chromium against a real Tessera app: one origin serves a test page with the client bundle
// (built here with esbuild) and proxies everything else to buildApp over a temporary SQLite store,
// counting refreshes and keeping the refresh cookies it saw go by.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { openTestApp, type TestApp } from '../../../server/test/helpers/http.js';
import type * as Tessera from '../../src/index.js';
import { CHROMIUM, CHROMIUM_ARGS, chromiumSkip } from './chromium.js';
import { SystemClock } from './live-app.js';

declare global {
  interface Window {
    tessera: typeof Tessera;
    client: Tessera.TesseraClient;
    events: string[];
  }
}

/**
 * Why the browser tests skip, or false to run them. With CI=true they always run (a missing
 * browser is then a failure).
 */
export const skipBrowser: string | false = chromiumSkip();

const PAGE = `<!doctype html><meta charset="utf-8"><title>tessera client test</title>
<script type="module">import * as tessera from '/client.js'; window.tessera = tessera;</script>`;

/** The main entry and `@tessera/client/dpop`, as one module. */
/** The client's main entry and `@tessera/client/dpop`, bundled for the browser as one module. */
export async function bundleClient(): Promise<string> {
  const result = await build({
    stdin: {
      contents: "export * from './index.ts'; export * from './dpop.ts';",
      resolveDir: fileURLToPath(new URL('../../src/', import.meta.url)),
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** A request's whole body. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export interface Harness {
  origin: string;
  t: TestApp;
  /** POST /auth/refresh requests that reached the app. */
  refreshes: number;
  /** Every refresh-cookie value the app set. */
  cookieValues: string[];
  /** 401 answers to API calls (outside /auth): tokens the server refused. */
  refused: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** A file of a built app (GET / and /assets/*), or undefined when `url` is not one. */
async function staticFile(dir: string, url: string): Promise<{ body: Buffer; type: string } | undefined> {
  const path = url === '/' ? '/index.html' : url;
  if (path !== '/index.html' && !/^\/assets\/[\w.-]+$/.test(path)) return undefined;
  const body = await readFile(join(dir, path)).catch(() => undefined);
  return body && { body, type: TYPES[extname(path)] ?? 'application/octet-stream' };
}

/**
 * Starts the page origin and the app behind it. The page is the test page with the client
 * bundle, or the files of a built app in `staticDir`.
 */
export async function startHarness(
  opts: { accessTokenTtlSeconds?: number; staticDir?: string; config?: object } = {},
): Promise<Harness> {
  const script = await bundleClient();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t = await openTestApp({
    clock: new SystemClock(0),
    config: {
      host: '127.0.0.1',
      issuer: origin,
      insecureCookies: true,
      accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 600,
      ...opts.config,
    },
  });
  const harness: Harness = {
    origin,
    t,
    refreshes: 0,
    cookieValues: [],
    refused: 0,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await t.cleanup();
    },
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const file = opts.staticDir === undefined ? undefined : await staticFile(opts.staticDir, req.url ?? '/');
    if (file) {
      res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' });
      res.end(file.body);
      return;
    }
    if (opts.staticDir === undefined && (req.url === '/' || req.url === '/client.js')) {
      const isPage = req.url === '/';
      res.writeHead(200, {
        'content-type': isPage ? 'text/html' : 'text/javascript',
        'cache-control': 'no-store',
      });
      res.end(isPage ? PAGE : script);
      return;
    }
    if (req.url === '/favicon.ico') return void res.writeHead(404).end();
    if (req.method === 'POST' && req.url === '/auth/refresh') harness.refreshes++;
    const body = await readBody(req);
    const answer = await t.app.inject({
      method: req.method as 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      ...(body.length > 0 ? { payload: body } : {}),
    });
    if (answer.statusCode === 401 && !req.url?.startsWith('/auth/')) harness.refused++;
    const setCookie = answer.headers['set-cookie'];
    for (const raw of setCookie === undefined ? [] : ([] as string[]).concat(setCookie)) {
      const value = /^tessera_refresh=([^;]*)/.exec(raw)?.[1];
      if (value) harness.cookieValues.push(value);
    }
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    res.writeHead(answer.statusCode, headers as Record<string, string | string[]>);
    res.end(answer.rawPayload);
  };
  server.on('request', (req, res) => {
    handle(req, res).catch(() => res.writeHead(502).end());
  });
  return harness;
}

/** Chromium with a fresh profile; `close` removes the profile. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'tessera-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  // A step that cannot happen fails the test with its name, well before the runner's timeout.
  context.setDefaultTimeout(15_000);
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Opens (or reloads) the test page in `page` and creates `window.client` in browser mode. */
export async function openTab(
  page: Page,
  origin: string,
  opts: { autoRefresh?: boolean } = {},
): Promise<void> {
  if (page.url().startsWith(origin)) await page.reload();
  else await page.goto(`${origin}/`);
  await page.waitForFunction(() => window.tessera !== undefined);
  await page.evaluate((autoRefresh) => {
    window.events = [];
    window.client = window.tessera.createClient({ baseUrl: location.origin, mode: 'browser', autoRefresh });
    window.client.subscribe((event) => window.events.push(event));
  }, opts.autoRefresh ?? true);
}
