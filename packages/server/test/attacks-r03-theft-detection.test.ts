// docs/security.md R3: theft detection. The attacker uses RT1 first and the victim later, and the
// reverse order: either way the family is revoked, the event is audited with the family id, the
// user and the IP, and the user has to log in again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  bearer,
  json,
  login,
  openTestApp,
  profile,
  refresh,
  signIn,
  type TestApp,
  type TokenBody,
} from './helpers/http.js';
import { SECOND } from './helpers/service.js';

const VICTIM_IP = '192.0.2.10';
const ATTACKER_IP = '203.0.113.66';

describe('R3 theft detection', () => {
  let t: TestApp;
  let admin: TokenBody;
  before(async () => {
    t = await openTestApp();
    admin = await signIn(t, 'root@example.com', { roles: ['admin'] });
  });
  after(() => t.cleanup());

  for (const order of ['attacker first', 'victim first'] as const) {
    it(`${order}: the second use revokes the family, audited with family, user and IP`, async () => {
      const stolen = await signIn(t, 'ada@example.com');
      const [firstIp, secondIp] =
        order === 'attacker first' ? [ATTACKER_IP, VICTIM_IP] : [VICTIM_IP, ATTACKER_IP];
      const first = await refresh(t.app, stolen.refresh_token, firstIp);
      assert.equal(first.statusCode, 200);
      const winner = json<TokenBody>(first);
      t.clock.advance(45 * SECOND);
      const second = await refresh(t.app, stolen.refresh_token, secondIp);
      assert.equal(second.statusCode, 401);

      // Whoever got the successor loses it too.
      assert.equal((await refresh(t.app, winner.refresh_token)).statusCode, 401);
      assert.equal((await profile(t.app, winner.access_token)).statusCode, 401);

      const audit = json<{
        events: {
          type: string;
          userId: string;
          sessionId: string;
          ip: string;
          details: Record<string, unknown>;
        }[];
      }>(
        await t.app.inject({
          method: 'GET',
          url: '/admin/audit?type=refresh-reuse',
          headers: bearer(admin.access_token),
        }),
      );
      const event = audit.events.find((e) => e.sessionId === stolen.session_id);
      assert.ok(event, 'the reuse is audited');
      assert.equal(event.details.family, stolen.session_id);
      assert.equal(event.userId, (await t.store.users.findByEmail('ada@example.com'))?.id);
      assert.equal(event.ip, secondIp);
      assert.equal((await t.store.sessions.find(stolen.session_id))?.revokedReason, 'reuse');

      // The user logs in again and carries on.
      assert.equal((await login(t.app, 'ada@example.com')).statusCode, 200);
    });
  }

  it('the theft counter goes up once per detected family', async () => {
    const text = (await t.metricsApp.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(text, /^tessera_refresh_reuse_detections_total 2$/m);
  });
});
