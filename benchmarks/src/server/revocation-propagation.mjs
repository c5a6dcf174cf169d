// Revocation propagation between two instances on one Redis: a @tessera/guard in this process
// follows instance B's revocation feed (its SSE stream, or polling), while sessions are logged
// out on instance A. For each logout, the time from A's 204 to the first refusal of that
// session's access token by the guard (checked on every turn of this process's event loop).
//
//   node revocation-propagation.mjs '{"portA":1,"portB":2,"issuer":"…","audience":"tessera","tokensFile":"…","transport":"auto","intervalMs":5000,"spacingMs":100}'
//
// tokensFile: a JSON array of access tokens, one per session (each is logged out once). Logouts
// start every spacingMs (a few in flight at once, so that a 5 s polling interval does not make
// the run last minutes). Prints one JSON line: { n, latency: {p50, p90, p99, max, ...}, missed }.
import { readFileSync } from 'node:fs';
import { createGuard } from '@tessera/guard';
import { request } from '../lib/http-client.mjs';
import { latencySummary } from '../lib/latency.mjs';

const spec = JSON.parse(process.argv[2]);
const tokens = JSON.parse(readFileSync(spec.tokensFile, 'utf8'));
const feed = `http://127.0.0.1:${spec.portB}/auth/revocations`;
const guard = createGuard({
  issuer: spec.issuer,
  audience: spec.audience,
  algorithms: ['EdDSA'],
  jwksUri: `http://127.0.0.1:${spec.portB}/.well-known/jwks.json`,
  revocations: {
    url: feed,
    intervalMs: spec.intervalMs,
    transport: spec.transport,
    onError: (err) => process.stderr.write(`guard feed: ${err.message}\n`),
  },
});
await guard.ready({ signal: AbortSignal.timeout(30_000) });

const accepted = async (token) => {
  try {
    await guard.authenticate(`Bearer ${token}`);
    return true;
  } catch {
    return false;
  }
};

for (const token of tokens) {
  if (!(await accepted(token))) throw new Error('the guard refuses an access token before its logout');
}

/** Sessions logged out, waiting for their first refusal: token -> time of the 204. */
const pending = new Map();
const latencies = [];
const timeoutMs = (spec.intervalMs ?? 5000) * 3 + 10_000;
let missed = 0;
let done = false;

// Checks every pending token on every turn of the event loop (setImmediate lets the feed's I/O in).
const watcher = (async () => {
  while (!done || pending.size > 0) {
    const now = performance.now();
    for (const [token, at] of pending) {
      if (!(await accepted(token))) {
        latencies.push(performance.now() - at);
        pending.delete(token);
      } else if (now - at > timeoutMs) {
        missed++;
        pending.delete(token);
      }
    }
    await new Promise((r) => setImmediate(r));
  }
})();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const logouts = [];
for (const token of tokens) {
  logouts.push(
    (async () => {
      const r = await request(spec.portA, {
        method: 'POST',
        path: '/auth/logout',
        headers: { authorization: `Bearer ${token}` },
      });
      const at = performance.now();
      if (r.status !== 204) throw new Error(`logout got ${r.status} ${r.text}`);
      pending.set(token, at);
    })(),
  );
  // Spread the starts, with jitter so that they fall at every phase of a polling interval.
  await sleep(spec.spacingMs * (0.5 + Math.random()));
}
await Promise.all(logouts);
done = true;
await watcher;
await guard.close();
process.stdout.write(
  `${JSON.stringify({ n: latencies.length, latency: latencySummary(latencies), missed, transport: spec.transport, intervalMs: spec.intervalMs })}\n`,
);
