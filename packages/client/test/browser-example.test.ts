// The React + axios example (examples/react-axios), built with Vite, in Chromium against a real
// Tessera app: protected data, the role-dependent UI, logout.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { build } from 'vite';
import { addUser, PASSWORD } from '../../server/test/helpers/service.js';
import { type Harness, launchBrowser, skipBrowser, startHarness } from './support/browser-harness.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/react-axios/', import.meta.url));

describe('examples/react-axios', () => {
  let outDir: string;

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'tessera-react-axios-'));
    await build({ root: EXAMPLE, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  });
  after(() => rm(outDir, { recursive: true, force: true }));

  test('builds with Vite, @tessera/client and axios bundled in', async () => {
    const js = (await readdir(join(outDir, 'assets'))).filter((f) => f.endsWith('.js'));
    assert.equal(js.length, 1);
    const code = await readFile(join(outDir, 'assets', js[0]!), 'utf8');
    assert.ok(code.includes('x-tessera-client'), 'the client is in the bundle');
    assert.ok(code.includes('interceptors'), 'axios is in the bundle');
  });

  describe('in Chromium', { skip: skipBrowser }, () => {
    let h: Harness;
    let browser: { context: BrowserContext; close(): Promise<void> };
    before(async () => {
      h = await startHarness({ staticDir: outDir });
      browser = await launchBrowser();
      await addUser(h.t.service, 'admin@example.com', { roles: ['admin'] });
      await addUser(h.t.service, 'ada@example.com');
    });
    after(async () => {
      await browser?.close();
      await h?.close();
    });

    const signIn = async (email: string) => {
      const page = await browser.context.newPage();
      await page.goto(`${h.origin}/`);
      await page.getByPlaceholder('email').fill(email);
      await page.getByPlaceholder('password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: `Hello ${email}` }).waitFor();
      return page;
    };

    test('an admin sees the protected data and the user list; logout brings the login form back', async () => {
      const page = await signIn('admin@example.com');
      await page.getByText('"roles": [').waitFor();
      await page.getByRole('heading', { name: 'Admin: users' }).waitFor();
      await page.getByText('ada@example.com (user)').waitFor();
      await page.getByRole('button', { name: 'Delete (demo)' }).first().click();
      await page.getByText(/^deleted /).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Hello admin@example.com' }).waitFor();
      await page.getByRole('button', { name: 'Log out', exact: true }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.close();
    });

    test('a plain user sees the protected data but no admin panel', async () => {
      const page = await signIn('ada@example.com');
      await page.getByText('Roles: user').waitFor();
      await page.getByText('"roles": [').waitFor();
      await page.getByText('Only admins see the user list.').waitFor();
      assert.equal(await page.getByRole('heading', { name: 'Admin: users' }).count(), 0);
      await page.close();
    });
  });
});
