// A real Tessera app (buildApp over a temporary SQLite store) on a loopback port, on the real
// clock, so access tokens expire while a test waits.
import type { AddressInfo } from 'node:net';
import { FrozenClock } from '../../../server/src/service/index.js';
import { openTestApp, type TestApp } from '../../../server/test/helpers/http.js';

/** The server's clock is the real one: tokens expire on their own. */
export class SystemClock extends FrozenClock {
  override now(): number {
    return Date.now();
  }
}

export const LIVE_ISSUER = 'http://tessera.live.test';

/** Starts the app; `url` is where it listens, LIVE_ISSUER its issuer. */
export async function startLiveApp(opts: {
  accessTokenTtlSeconds: number;
}): Promise<{ url: string; t: TestApp }> {
  const t = await openTestApp({
    clock: new SystemClock(0),
    config: { host: '127.0.0.1', issuer: LIVE_ISSUER, accessTokenTtlSeconds: opts.accessTokenTtlSeconds },
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`, t };
}
