// Seeds sessions into a Redis store through the store's own API (`sessions.create`, so the keys
// are exactly what a login writes), with many creates in flight: ioredis's auto-pipelining sends
// them in pipelines. Each session has its one live refresh token (a SHA-256 hash of 32 random
// bytes, as the server stores), `ip` 127.0.0.1 and no user agent, like the benchmark's logins.
//
//   node redis-seed.mjs '{"url":"redis://127.0.0.1:6379","count":1000000,"perUser":1,"sqlFile":"…"}'
//
// Prints one JSON line: { count, ms, perSec }.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createRedisStore, createSqlStore } from '@tessera/server/store';

const spec = JSON.parse(process.argv[2]);
const DAY = 86_400_000;
const inFlight = spec.inFlight ?? 1000;
const perUser = Math.max(1, spec.perUser ?? 1);

// Only sessions are written: the SQL half of the composite store is an empty file, never read.
const sql = await createSqlStore({ dialect: 'sqlite', filename: spec.sqlFile });
const store = await createRedisStore({ url: spec.url, sql });
const now = Date.now();
let next = 0;
let userId = randomUUID();

async function worker() {
  for (;;) {
    const i = next++;
    if (i >= spec.count) return;
    if (i % perUser === 0) userId = randomUUID();
    const id = randomUUID();
    // The stored form of a refresh token `<id>.<random>`: `<id>.<SHA-256 of the token>`.
    const token = `${id}.${randomBytes(32).toString('base64url')}`;
    const hash = `${id}.${createHash('sha256').update(token).digest('base64url')}`;
    await store.sessions.create(
      {
        id,
        userId,
        createdAt: now,
        absoluteExpiresAt: now + 30 * DAY,
        ip: '127.0.0.1',
        userAgent: null,
        accessNotBefore: 0,
      },
      { hash, expiresAt: now + 14 * DAY },
    );
  }
}

const t0 = performance.now();
await Promise.all(Array.from({ length: inFlight }, worker));
const ms = performance.now() - t0;
await store.close();
process.stdout.write(`${JSON.stringify({ count: spec.count, ms, perSec: spec.count / (ms / 1000) })}\n`);
