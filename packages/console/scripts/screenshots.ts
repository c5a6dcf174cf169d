// Regenerates docs/console/*.png: each console page at 1280×800 (and two at a phone's 390×844)
// against a live `tessera serve` with a few accounts, sessions from several devices, audit rows
// and a rotated key. Usage: npm run build && npm run screenshots -w @tessera/console
// When pngquant is installed, the PNGs are quantized (lossless-looking, far smaller).
import { spawnSync } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { ADMIN, launch, newContext, signIn, startServer, USER } from '../test/support.js';

const OUT = fileURLToPath(new URL('../../../docs/console/', import.meta.url));
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const DEVICES = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:134.0) Gecko/20100101 Firefox/134.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15',
];

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function seed(url: string): Promise<string> {
  for (const [email, password] of [
    [USER.email, USER.password],
    ['grace@example.com', 'copper window garden 88'],
    ['linus@example.org', 'silver meadow river 31'],
    ['margaret@example.com', 'amber valley beacon 54'],
  ] as const) {
    await post(`${url}/auth/register`, { email, password });
  }
  for (const ua of DEVICES) await post(`${url}/auth/login`, ADMIN, { 'user-agent': ua });
  await post(`${url}/auth/login`, { email: USER.email, password: 'wrong password here' });
  const login = await post(`${url}/auth/login`, ADMIN);
  const { access_token: token } = (await login.json()) as { access_token: string };
  const auth = { authorization: `Bearer ${token}` };
  await post(`${url}/admin/keys/rotate`, {}, auth);
  const users = (await (await fetch(`${url}/admin/users?q=linus`, { headers: auth })).json()) as {
    users: { id: string }[];
  };
  const linus = users.users[0]?.id;
  if (linus) {
    await fetch(`${url}/admin/users/${linus}`, {
      method: 'PATCH',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ blocked: true }),
    });
  }
  const ada = (await (await fetch(`${url}/admin/users?q=ada`, { headers: auth })).json()) as {
    users: { id: string }[];
  };
  const adaId = ada.users[0]?.id as string;
  await fetch(`${url}/admin/users/${adaId}`, {
    method: 'PATCH',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ roles: ['user', 'editor'], permissions: ['orders:read', 'orders:write'] }),
  });
  await post(`${url}/auth/login`, USER, { 'user-agent': DEVICES[1] as string });
  return adaId;
}

async function shoot(page: Page, name: string): Promise<void> {
  // Let fonts, the countdown and the JWKS check settle.
  await page.waitForTimeout(400);
  const path = `${OUT}${name}.png`;
  await page.screenshot({ path });
  const quant = spawnSync('pngquant', [
    '--force',
    '--skip-if-larger',
    '--quality=80-95',
    '--output',
    path,
    path,
  ]);
  const size = (await stat(path)).size;
  console.log(`${name}.png ${Math.round(size / 1024)} KiB${quant.status === 0 ? ' (pngquant)' : ''}`);
}

const server = await startServer();
const browser = await launch();
try {
  await mkdir(OUT, { recursive: true });
  const adaId = await seed(server.url);

  const desktop = await (await newContext(browser, DESKTOP)).newPage();
  await desktop.goto(`${server.url}/`);
  await desktop.getByRole('heading', { name: 'Sign in' }).waitFor();
  await shoot(desktop, 'sign-in');

  await signIn(desktop, server.url, ADMIN);
  await desktop.getByText('this session', { exact: true }).waitFor();
  await shoot(desktop, 'account');

  await desktop.goto(`${server.url}/#/token`);
  await desktop.getByText('Valid signature').waitFor();
  await desktop.getByText('No findings').waitFor();
  await shoot(desktop, 'token-inspector');

  await desktop.getByText('Paste a JWT').click();
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  await desktop
    .getByLabel('JWT', { exact: true })
    .fill(
      `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'user-42', password: 'x', iat: now, exp: now + 30 * 86400 })}.c2lnbmF0dXJl`,
    );
  await desktop.getByText('TL004').waitFor();
  await desktop.locator('#expiry-title').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await desktop.evaluate(() => window.scrollBy(0, -90));
  await shoot(desktop, 'token-lint');

  await desktop.goto(`${server.url}/#/admin/users`);
  await desktop.getByRole('link', { name: 'margaret@example.com' }).waitFor();
  await shoot(desktop, 'users');

  await desktop.goto(`${server.url}/#/admin/users/${adaId}`);
  await desktop.getByRole('heading', { name: USER.email }).waitFor();
  await shoot(desktop, 'user');

  await desktop.goto(`${server.url}/#/admin/audit`);
  await desktop.locator('tbody .badge', { hasText: 'login-failed' }).first().waitFor();
  await shoot(desktop, 'audit');

  await desktop.goto(`${server.url}/#/admin/keys`);
  await desktop.getByText('signing', { exact: true }).waitFor();
  await shoot(desktop, 'keys');

  const phone = await (await newContext(browser, PHONE)).newPage();
  await signIn(phone, server.url, ADMIN);
  await phone.getByText('this session', { exact: true }).waitFor();
  await shoot(phone, 'account-phone');
  await phone.goto(`${server.url}/#/token`);
  await phone.getByText('Valid signature').waitFor();
  await shoot(phone, 'token-inspector-phone');
} finally {
  await browser.close();
  await server.stop();
}
