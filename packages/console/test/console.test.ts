// The console in Chromium against a live `tessera serve`: sign up and sign in, the refresh
// token out of reach of scripts, a session that survives a reload, logout, a session revoked
// elsewhere signed out on its next call, the admin pages, axe-core on every page at desktop and
// phone sizes, the CSP, closed registration and `console: false`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import {
  ADMIN,
  type AuthServer,
  launch,
  newContext,
  recordConsole,
  signIn,
  skipBrowser,
  startServer,
  USER,
} from './support.js';

const PHONE = { width: 390, height: 844 };

/** Console messages about the CSP: there must be none. */
const cspTrouble = (messages: string[]) =>
  messages.filter((m) =>
    /content security policy|content-security-policy|refused to (load|execute|apply)/i.test(m),
  );

async function heading(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

/** axe-core's serious and critical violations of the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the console in Chromium', { skip: skipBrowser }, () => {
  let server: AuthServer;
  let browser: Browser;
  const messages: string[] = [];
  before(async () => {
    server = await startServer();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(viewport?: { width: number; height: number }) {
    const context = await newContext(browser, viewport);
    const page = await context.newPage();
    const log = recordConsole(page);
    return {
      context,
      page,
      async close() {
        messages.push(...log);
        await context.close();
      },
    };
  }

  it('serves / with the CSP, and the page loads nothing from elsewhere', async () => {
    const { page, close } = await open();
    try {
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      const res = await page.goto(`${server.url}/`);
      const csp = res?.headers()['content-security-policy'] ?? '';
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(res?.headers()['cache-control'], 'no-cache');
      await heading(page, 'Sign in');
      assert.deepEqual(
        requests.filter((u) => !u.startsWith(`${server.url}/`)),
        [],
        'every request stays on the server',
      );
    } finally {
      await close();
    }
  });

  it('signs up and in; the refresh token never reaches document.cookie; a reload keeps the session; logout ends it', async () => {
    const { context, page, close } = await open();
    try {
      await page.goto(`${server.url}/`);
      await heading(page, 'Sign in');
      await page.getByRole('button', { name: 'Create an account' }).click();
      await heading(page, 'Create your account');
      await page.getByLabel('Email').fill(USER.email);
      await page.getByLabel('Password', { exact: true }).fill(USER.password);
      await page.getByRole('button', { name: 'Create account' }).click();
      await heading(page, 'My account');
      await page.getByText(USER.email, { exact: true }).first().waitFor();

      const refresh = (await context.cookies()).find((c) => /tessera_refresh$/.test(c.name));
      assert.ok(refresh?.httpOnly, 'the refresh cookie is HttpOnly');
      const visible = await page.evaluate(() => document.cookie);
      assert.ok(!visible.includes(refresh.value), 'document.cookie never holds the refresh token');
      assert.doesNotMatch(visible, /tessera_refresh/);

      await page.reload();
      await heading(page, 'My account');
      await page.getByText('this session', { exact: true }).waitFor();

      await page.getByRole('button', { name: 'Sign out', exact: true }).first().click();
      await heading(page, 'Sign in');
      assert.equal(await page.getByRole('alert').count(), 0);
      await page.reload();
      await heading(page, 'Sign in');
      assert.ok(!(await context.cookies()).some((c) => /tessera_refresh$/.test(c.name) && c.value !== ''));
    } finally {
      await close();
    }
  });

  it('a session revoked from another session, or by an admin, is signed out on its next call', async () => {
    const a = await open();
    const b = await open();
    const admin = await open();
    try {
      await signIn(a.page, server.url, USER);
      await signIn(b.page, server.url, USER);
      // B revokes A: the other row of its sessions table.
      await b.page.reload();
      await heading(b.page, 'My account');
      const revoke = b.page.getByRole('button', { name: /^Revoke session on / });
      await revoke.first().waitFor();
      // Every other session of the user (A's among them) is revoked from B.
      while ((await revoke.count()) > 0) {
        const left = await revoke.count();
        await revoke.first().click();
        await b.page.getByRole('status').filter({ hasText: 'Signed out' }).waitFor();
        await b.page.waitForFunction(
          (n) => document.querySelectorAll('button[aria-label^="Revoke session on"]').length < n,
          left,
        );
      }

      // A's next call (its sessions list) is refused, its refresh too: back to the sign-in page.
      await a.page.getByRole('link', { name: 'Token inspector' }).click();
      await a.page.getByRole('link', { name: 'My account' }).click();
      await heading(a.page, 'Sign in');
      await a.page.getByText('Your session has ended').waitFor();

      // An admin ends every session of the user: B is signed out on its next call.
      await signIn(admin.page, server.url, ADMIN);
      await admin.page.getByRole('link', { name: 'Users' }).click();
      await heading(admin.page, 'Users');
      await admin.page.getByRole('link', { name: USER.email }).click();
      await heading(admin.page, USER.email);
      await admin.page.getByRole('button', { name: 'Revoke all sessions' }).click();
      await admin.page.getByText('Every session of this account was ended.').waitFor();

      await b.page.getByRole('link', { name: 'Token inspector' }).click();
      await b.page.getByRole('link', { name: 'My account' }).click();
      await heading(b.page, 'Sign in');
      await b.page.getByText('Your session has ended').waitFor();
    } finally {
      await Promise.all([a.close(), b.close(), admin.close()]);
    }
  });

  it('the admin pages work for an admin, and are absent for a user', async () => {
    const { page, close } = await open();
    const user = await open();
    try {
      await signIn(user.page, server.url, USER);
      assert.equal(await user.page.getByRole('link', { name: 'Users' }).count(), 0);
      await user.page.goto(`${server.url}/#/admin/users`);
      await heading(user.page, 'Administrators only');

      await signIn(page, server.url, ADMIN);
      await page.getByRole('link', { name: 'Users' }).click();
      await page.getByLabel('Search users').fill('ada');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: USER.email }).click();
      await heading(page, USER.email);

      await page.getByLabel('Roles', { exact: true }).fill('user, editor');
      await page.getByLabel('Permissions', { exact: true }).fill('orders:read');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Roles and permissions saved.').waitFor();
      await page.getByRole('button', { name: 'Block account' }).click();
      await page.getByText('The account is blocked').waitFor();
      await page.getByRole('button', { name: 'Unblock account' }).click();
      await page.getByText('The account is unblocked.').waitFor();
      await page.getByLabel('New password', { exact: true }).fill('brand new harbour lantern 9');
      await page.getByRole('button', { name: 'Set password' }).click();
      await page.getByText('The password was set').waitFor();

      await page.getByRole('link', { name: 'Audit log' }).click();
      await heading(page, 'Audit log');
      await page.getByLabel('Event', { exact: true }).selectOption('user-blocked');
      await page.getByLabel('User', { exact: true }).fill(USER.email);
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByRole('cell', { name: 'user-blocked' }).first().waitFor();
      assert.equal(await page.getByRole('cell', { name: 'login', exact: true }).count(), 0);

      await page.getByRole('link', { name: 'Signing keys' }).click();
      await heading(page, 'Signing keys');
      await page.getByRole('cell', { name: 'signing' }).waitFor();
      const before = await page.locator('tbody tr').count();
      await page.getByRole('button', { name: 'Rotate', exact: true }).click();
      await page.getByText(/is published and starts signing/).waitFor();
      // The list reloads after the notice: one key more.
      await page.waitForFunction((n) => document.querySelectorAll('tbody tr').length === n, before + 1);
      // Revoke: done where the server has the endpoint, a clear message where it does not.
      await page
        .getByRole('button', { name: /^Revoke key / })
        .last()
        .click();
      await page.getByRole('button', { name: /^Confirm revoking key / }).click();
      await page.getByText(/is revoked: every token it signed is refused|cannot revoke keys yet/).waitFor();
    } finally {
      await Promise.all([close(), user.close()]);
    }
  });

  it('the token inspector decodes, verifies against the JWKS and lints, for the current and a pasted token', async () => {
    const { page, close } = await open();
    try {
      await signIn(page, server.url, ADMIN);
      await page.getByRole('link', { name: 'Token inspector' }).click();
      await page.getByText('Valid signature').waitFor();
      await page.getByText('until it expires').waitFor();
      await page.getByText('No findings').waitFor();

      // The current token with one claim changed: the server's key no longer verifies it.
      const current = (await page.locator('.token-raw code').textContent()) ?? '';
      const [header, payload, signature] = current.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, roles: ['admin', 'root'] })).toString('base64url')}.${signature}`;
      await page.getByText('Paste a JWT').click();
      await page.getByLabel('JWT', { exact: true }).fill(tampered);
      await page.getByText('Invalid signature').waitFor();
      // A kid the server never published.
      const otherKid = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', kid: 'not-ours' })).toString(
        'base64url',
      );
      await page.getByLabel('JWT', { exact: true }).fill(`${otherKid}.${payload}.${signature}`);
      await page.getByText('Unknown key').waitFor();

      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      const forged = `${b64({ alg: 'none' })}.${b64({ sub: '1', password: 'hunter2' })}.`;
      await page.getByLabel('JWT', { exact: true }).fill(forged);
      await page.getByText('TL001').waitFor();
      await page.getByText('TL002').waitFor();
      await page.getByText('TL004').waitFor();
      await page.getByText('Not verifiable here').waitFor();
      await page.getByText('No expiry: this token never expires.').waitFor();
    } finally {
      await close();
    }
  });

  it('changes the password, then logs out everywhere', async () => {
    const { page, close } = await open();
    const other = await open();
    const who = { email: 'grace@example.com', password: 'copper window garden 88' };
    try {
      const res = await fetch(`${server.url}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(who),
      });
      assert.equal(res.status, 201);
      await signIn(page, server.url, who);
      await page.getByLabel('Current password').fill('not the password');
      await page.getByLabel('New password', { exact: true }).fill('amber valley beacon 54');
      await page.getByLabel('Repeat the new password').fill('amber valley beacon 54');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('The current password is wrong.').waitFor();
      await page.getByLabel('Current password').fill(who.password);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('Password changed.').waitFor();

      await signIn(other.page, server.url, { ...who, password: 'amber valley beacon 54' });
      await page.getByRole('button', { name: 'Log out everywhere' }).click();
      await page.getByRole('button', { name: 'Yes, log out everywhere' }).click();
      await heading(page, 'Sign in');
      await other.page.getByRole('link', { name: 'Token inspector' }).click();
      await other.page.getByRole('link', { name: 'My account' }).click();
      await heading(other.page, 'Sign in');
    } finally {
      await Promise.all([close(), other.close()]);
    }
  });

  for (const [label, viewport] of [
    ['at 1280 px', undefined],
    ['on a phone (390×844)', PHONE],
  ] as const) {
    it(`every page passes axe-core with no serious or critical violation, ${label}`, async () => {
      const { page, close } = await open(viewport);
      try {
        const found: string[] = [];
        const check = async (name: string) => {
          for (const v of await seriousViolations(page)) found.push(`${name}: ${v}`);
        };
        await page.goto(`${server.url}/`);
        await heading(page, 'Sign in');
        await check('sign in');
        await page.getByRole('button', { name: 'Create an account' }).click();
        await heading(page, 'Create your account');
        await check('register');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await signIn(page, server.url, ADMIN);
        await page.getByText('this session', { exact: true }).waitFor();
        await check('my account');
        await page.goto(`${server.url}/#/token`);
        await page.getByText('Valid signature').waitFor();
        await check('token inspector');
        await page.getByText('Paste a JWT').click();
        await page.getByLabel('JWT', { exact: true }).fill('eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.');
        await page.getByText('TL001').waitFor();
        await check('token inspector (findings)');
        await page.goto(`${server.url}/#/admin/users`);
        await page.getByRole('link', { name: ADMIN.email }).waitFor();
        await check('users');
        await page.getByRole('link', { name: ADMIN.email }).click();
        await heading(page, ADMIN.email);
        await check('user');
        await page.goto(`${server.url}/#/admin/audit`);
        await page.locator('tbody .badge', { hasText: 'login' }).first().waitFor();
        await check('audit log');
        await page.goto(`${server.url}/#/admin/keys`);
        await page.getByText('signing', { exact: true }).waitFor();
        await check('signing keys');
        assert.deepEqual(found, []);
      } finally {
        await close();
      }
    });
  }

  it('no console message about the CSP on any page visited above', () => {
    assert.deepEqual(cspTrouble(messages), []);
    assert.deepEqual(
      messages.filter((m) => m.startsWith('pageerror')),
      [],
    );
  });
});

describe('the console when registration is closed, and when it is off', { skip: skipBrowser }, () => {
  it('says clearly that registration is closed', async () => {
    const server = await startServer({ registration: 'closed' });
    const browser = await launch();
    try {
      const page = await (await newContext(browser)).newPage();
      await page.goto(`${server.url}/`);
      await heading(page, 'Sign in');
      await page.getByText('Registration is closed.').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Create an account' }).count(), 0);
    } finally {
      await browser.close();
      await server.stop();
    }
  });

  it('console: false: / is a 404', async () => {
    const server = await startServer({ console: false });
    try {
      const res = await fetch(`${server.url}/`);
      assert.equal(res.status, 404);
      assert.equal(res.headers.get('content-security-policy'), null);
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    } finally {
      await server.stop();
    }
  });
});
