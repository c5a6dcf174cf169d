// A real `tessera serve` (the built CLI, with the built console) and Chromium through
// playwright-core, for the console's tests and its screenshots.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, chromiumSkip } from '../../client/test/support/chromium.js';
import { type AuthServer, startAuthServer } from '../../guard/test/e2e-support/auth-server.js';

export type { AuthServer };

export const ADMIN = { email: 'admin@example.com', password: 'vintage lantern orbit 42' };
export const USER = { email: 'ada@example.com', password: 'quiet harbour maple 17' };

const CONSOLE_INDEX = fileURLToPath(new URL('../../server/console-dist/index.html', import.meta.url));

/**
 * Why the browser tests skip, or false to run them. With CI=true they always run, so a missing
 * browser (or an unbuilt console) is a failure there.
 */
export const skipBrowser: string | false = chromiumSkip(() =>
  existsSync(CONSOLE_INDEX)
    ? false
    : 'the console is not built: npm run build (with CI=true this is a failure)',
);

/**
 * Starts `tessera serve` with an admin account; `config` adds keys to its config file.
 *
 * @example
 * const server = await startServer({ registration: 'closed' }); // … await server.stop();
 */
export function startServer(config: Record<string, unknown> = {}): Promise<AuthServer> {
  return startAuthServer({ admin: ADMIN, config });
}

/**
 * Chromium, headless, with the launch arguments of the client's browser tests.
 *
 * @example
 * const browser = await launch(); // … await browser.close();
 */
export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
}

/**
 * A fresh browser profile (its own cookies) at a viewport size.
 *
 * @example
 * const page = await (await newContext(browser, { width: 390, height: 844 })).newPage();
 */
export async function newContext(
  browser: Browser,
  viewport: { width: number; height: number } = { width: 1280, height: 800 },
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  // A step that cannot happen fails the test with its name, well before the runner's timeout.
  context.setDefaultTimeout(15_000);
  return context;
}

/**
 * Every console message and page error of a page, kept for assertions.
 *
 * @example
 * const messages = recordConsole(page); // ['error: …']
 */
export function recordConsole(page: Page): string[] {
  const messages: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') messages.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (err) => messages.push(`pageerror: ${err.message}`));
  return messages;
}

/**
 * Opens the console and signs in through its form; resolves on "My account".
 *
 * @example
 * await signIn(page, server.url, ADMIN);
 */
export async function signIn(
  page: Page,
  url: string,
  who: { email: string; password: string },
): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
}
