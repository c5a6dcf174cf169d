// The Chromium that browser tests drive (Debian's, through playwright-core: npm's browser
// downloads do not work here), shared by the client's and the console's browser tests.
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

/** Headless, no sandbox (containers), nothing fetched in the background. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Why browser tests skip (`missing`: another reason, checked after the browser), or false to
 * run them. With CI=true they always run, so whatever is missing is a failure there.
 *
 * @example
 * export const skipBrowser = chromiumSkip();
 */
export function chromiumSkip(missing: () => string | false = () => false): string | false {
  if (process.env.CI === 'true') return false;
  if (!existsSync(CHROMIUM))
    return `${CHROMIUM} is missing: apt-get install -y chromium (with CI=true this is a failure)`;
  return missing();
}
