// One HTTP smoke run against PostgreSQL: the same app over the SQL store's PostgreSQL dialect, in a
// throwaway schema. Skips with one line when PostgreSQL is unreachable (and CI is not 'true').
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { decodeJwtUnverified } from '@tessera/jwt';
import { buildApp } from '../src/http/app.js';
import { createMetrics } from '../src/http/metrics.js';
import { createTesseraService, FrozenClock } from '../src/service/index.js';
import { createSqlStore } from '../src/store/index.js';
import { bearer, json, type TokenBody } from './helpers/http.js';
import { dropSchema, postgresForTests, randomSchemaName } from './helpers/postgres.js';
import { PASSWORD, SECOND, T0, tempDir, testConfig } from './helpers/service.js';

const postgres = await postgresForTests('http-postgres');

if (postgres.skip !== undefined) {
  it('HTTP smoke on PostgreSQL', { skip: postgres.skip }, () => {});
} else {
  describe('HTTP smoke on PostgreSQL', () => {
    it('register, login, refresh (rotation, grace, reuse), role change, logout, feed, restart', async () => {
      const schema = randomSchemaName();
      const dir = await tempDir();
      const kek = randomBytes(32);
      const clock = new FrozenClock(T0);
      const config = testConfig(dir.path, { databaseUrl: postgres.url });
      const open = async () => {
        const store = await createSqlStore({ dialect: 'postgres', connectionString: postgres.url, schema });
        const metrics = createMetrics({ defaultMetrics: false });
        const service = createTesseraService({ config, store, kek, clock, events: metrics.events });
        await service.keys.load();
        await service.keys.maintain();
        const app = await buildApp({ service, metrics, logger: false });
        return { store, service, app };
      };
      let s = await open();
      after(async () => {
        await s.app.close();
        await s.store.close();
        await dropSchema(postgres.url, schema);
        await dir.cleanup();
      });
      const { app } = s;

      assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
      const reg = await app.inject({
        method: 'POST',
        url: '/auth/register',
        payload: { email: 'ada@example.com', password: PASSWORD },
      });
      assert.equal(reg.statusCode, 201);
      await s.service.accounts.register('root@example.com', PASSWORD, { roles: ['admin'] });
      const admin = json<TokenBody>(
        await app.inject({
          method: 'POST',
          url: '/auth/login',
          payload: { email: 'root@example.com', password: PASSWORD },
        }),
      );
      const first = json<TokenBody>(
        await app.inject({
          method: 'POST',
          url: '/auth/login',
          payload: { email: 'ada@example.com', password: PASSWORD },
        }),
      );
      assert.equal(
        (await app.inject({ method: 'GET', url: '/demo/profile', headers: bearer(first.access_token) }))
          .statusCode,
        200,
      );

      // 20 concurrent refreshes against real connections: one successor for all.
      const refreshes = await Promise.all(
        Array.from({ length: 20 }, () =>
          app.inject({
            method: 'POST',
            url: '/auth/refresh',
            payload: { refresh_token: first.refresh_token },
          }),
        ),
      );
      assert.deepEqual(new Set(refreshes.map((r) => r.statusCode)), new Set([200]));
      assert.equal(new Set(refreshes.map((r) => json<TokenBody>(r).refresh_token)).size, 1);
      const second = json<TokenBody>(refreshes[0]!);

      // A role change: the old token is refused, a refresh carries the new role.
      const id = decodeJwtUnverified(first.access_token).payload.sub!;
      clock.advance(SECOND);
      const patch = await app.inject({
        method: 'PATCH',
        url: `/admin/users/${id}`,
        headers: bearer(admin.access_token),
        payload: { roles: ['user', 'editor'] },
      });
      assert.equal(patch.statusCode, 200);
      assert.equal(
        (await app.inject({ method: 'GET', url: '/demo/profile', headers: bearer(second.access_token) }))
          .statusCode,
        401,
      );
      const third = json<TokenBody>(
        await app.inject({
          method: 'POST',
          url: '/auth/refresh',
          payload: { refresh_token: second.refresh_token },
        }),
      );
      assert.deepEqual(decodeJwtUnverified(third.access_token).payload.roles, ['user', 'editor']);

      // Reuse outside the grace window revokes the family.
      clock.advance(31 * SECOND);
      assert.equal(
        (
          await app.inject({
            method: 'POST',
            url: '/auth/refresh',
            payload: { refresh_token: first.refresh_token },
          })
        ).statusCode,
        401,
      );
      assert.equal(
        (
          await app.inject({
            method: 'POST',
            url: '/auth/refresh',
            payload: { refresh_token: third.refresh_token },
          })
        ).statusCode,
        401,
      );
      assert.equal(
        (await app.inject({ method: 'GET', url: '/demo/profile', headers: bearer(third.access_token) }))
          .statusCode,
        401,
      );

      // Logout, then the feed, then a restart: everything persisted.
      const other = json<TokenBody>(
        await app.inject({
          method: 'POST',
          url: '/auth/login',
          payload: { email: 'ada@example.com', password: PASSWORD },
        }),
      );
      assert.equal(
        (await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(other.access_token) }))
          .statusCode,
        204,
      );
      const feed = json<{ revoked: { sid: string }[] }>(
        await app.inject({ method: 'GET', url: '/auth/revocations?after=0' }),
      );
      assert.ok(feed.revoked.some((e) => e.sid === other.session_id));
      assert.ok(feed.revoked.some((e) => e.sid === first.session_id));

      await s.app.close();
      await s.store.close();
      s = await open();
      assert.equal(
        (await s.app.inject({ method: 'GET', url: '/demo/profile', headers: bearer(other.access_token) }))
          .statusCode,
        401,
      );
      assert.equal(
        (
          await s.app.inject({
            method: 'POST',
            url: '/auth/refresh',
            payload: { refresh_token: other.refresh_token },
          })
        ).statusCode,
        401,
      );
      const after1 = json<{ revoked: { sid: string }[] }>(
        await s.app.inject({ method: 'GET', url: '/auth/revocations' }),
      );
      assert.deepEqual(after1, feed);
    });
  });
}
