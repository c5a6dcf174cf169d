import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createKeySet, decodeJwtUnverified, exportJwk, type Jwk, verifyJwt } from '@tessera/jwt';
import Database from 'better-sqlite3';
import { KEK_FILE, loadKek } from '../src/service/kek.js';
import {
  addUser,
  DAY,
  HOUR,
  loginOk,
  MINUTE,
  openTestService,
  PASSWORD,
  type TestService,
  tempDir,
} from './helpers/service.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

/** The JWKS as a verifier receives it: serialized and parsed. */
function publishedJwks(t: TestService): { keys: Jwk[] } {
  return JSON.parse(JSON.stringify(t.service.keys.jwks())) as { keys: Jwk[] };
}

function assertPublicOnly(jwks: { keys: Jwk[] }) {
  for (const jwk of jwks.keys) {
    for (const member of PRIVATE_MEMBERS) {
      assert.equal((jwk as Record<string, unknown>)[member], undefined, `JWKS key ${jwk.kid} has ${member}`);
    }
  }
}

describe('key-encryption key', () => {
  it('is generated once into <dataDir>/kek.key with mode 0600 and read back after that', async () => {
    const dir = await tempDir();
    after(() => dir.cleanup());
    const data = join(dir.path, 'data');
    const kek = await loadKek({ dataDir: data });
    assert.equal(kek.length, 32);
    const info = await stat(join(data, KEK_FILE));
    assert.equal(info.mode & 0o777, 0o600);
    assert.deepEqual(await loadKek({ dataDir: data }), kek);
    assert.deepEqual(await loadKek({ dataDir: data, fromEnv: '' }), kek);
  });

  it('tightens a kek.key that became readable by others', async () => {
    const dir = await tempDir();
    after(() => dir.cleanup());
    await writeFile(join(dir.path, KEK_FILE), `${randomBytes(32).toString('hex')}\n`, { mode: 0o644 });
    await loadKek({ dataDir: dir.path });
    assert.equal((await stat(join(dir.path, KEK_FILE))).mode & 0o777, 0o600);
  });

  it('comes from TESSERA_KEK (hex, base64url or base64) when given, and must be 32 bytes', async () => {
    const dir = await tempDir();
    after(() => dir.cleanup());
    const bytes = randomBytes(32);
    for (const text of [bytes.toString('hex'), bytes.toString('base64url'), bytes.toString('base64')]) {
      assert.deepEqual(await loadKek({ dataDir: dir.path, fromEnv: text }), bytes);
    }
    // Nothing is written when the key comes from the environment.
    await assert.rejects(stat(join(dir.path, KEK_FILE)), { code: 'ENOENT' });
    const short = randomBytes(16).toString('hex');
    await assert.rejects(loadKek({ dataDir: dir.path, fromEnv: short }), (err: Error) => {
      assert.match(err.message, /32 bytes/);
      assert.ok(!err.message.includes(short), 'the message does not echo the key');
      return true;
    });
  });
});

describe('signing keys at rest', () => {
  it('private keys are stored only sealed with the KEK; another KEK cannot open them', async () => {
    const t = await openTestService();
    after(() => t.cleanup());
    const privateJwk = exportJwk(t.service.keys.current(), { private: true }) as Record<string, string>;
    assert.ok(privateJwk.d);
    const raw = new Database(t.filename, { readonly: true });
    const rows = raw.prepare('select kid, public_jwk, private_sealed from signing_keys').all() as {
      kid: string;
      public_jwk: string;
      private_sealed: string;
    }[];
    raw.close();
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.ok(!row!.private_sealed.includes(privateJwk.d));
    assert.ok(!row!.public_jwk.includes(privateJwk.d));
    assert.match(row!.private_sealed, /^v1\./);
    assertPublicOnly({ keys: [JSON.parse(row!.public_jwk) as Jwk] });
    await t.close();

    // The same KEK opens them after a restart and signs with the same key.
    const again = await t.reopen();
    assert.equal(exportJwk(again.service.keys.current(), { private: true }).d, privateJwk.d);
    await again.close();

    // Another KEK cannot, and says so without leaking anything.
    const wrong = openTestService({ dir: t.dir, kek: randomBytes(32) });
    await assert.rejects(wrong, (err: Error) => {
      assert.match(err.message, /cannot be decrypted/);
      assert.ok(!err.message.includes(privateJwk.d!));
      return true;
    });
  });
});

describe('the JWKS', () => {
  for (const alg of ['EdDSA', 'ES256', 'RS256', 'PS256', 'HS256'] as const) {
    it(`never contains a private member (${alg}), also across rotations`, async () => {
      const t = await openTestService({ config: { signingAlg: alg } });
      after(() => t.cleanup());
      await t.service.keys.rotate();
      await t.service.keys.rotate({ immediate: true });
      const jwks = publishedJwks(t);
      assertPublicOnly(jwks);
      assert.equal(jwks.keys.length, alg === 'HS256' ? 0 : 3);
      for (const jwk of jwks.keys) assert.equal(jwk.alg, alg);
    });
  }
});

describe('key schedule (frozen clock)', () => {
  it('defaults: rotate every 30 days, JWKS max-age 5 minutes, next key published an hour ahead', async () => {
    const t = await openTestService();
    after(() => t.cleanup());
    assert.equal(t.config.keyRotationIntervalMs, 30 * DAY);
    assert.equal(t.config.jwksMaxAgeSeconds, 300);
    assert.ok(t.service.keys.policy.prepublishMs >= t.config.jwksMaxAgeSeconds * 1000);
    assert.equal(t.service.keys.policy.rotationIntervalMs, 30 * DAY);
  });

  /**
   * Moves the clock in steps, running maintenance and signing a token at each step like a live
   * server, and checks at every step: a key is published at least one JWKS max-age before it
   * signs, and every token signed so far verifies with the JWKS until it expires.
   */
  async function walk(t: TestService, opts: { step: number; until: number }) {
    await addUser(t.service, 'ada@example.com');
    const login = await t.service.sessions.login('ada@example.com', PASSWORD);
    assert.ok(login.status === 'ok');
    const maxAgeMs = t.config.jwksMaxAgeSeconds * 1000;
    const firstPublished = new Map<string, number>();
    const firstSigned = new Map<string, number>();
    const live: { token: string; exp: number }[] = [];
    let largestJwks = 0;
    const end = t.clock.now() + opts.until;
    while (t.clock.now() <= end) {
      await t.service.keys.maintain();
      const now = t.clock.now();
      const jwks = publishedJwks(t);
      assertPublicOnly(jwks);
      largestJwks = Math.max(largestJwks, jwks.keys.length);
      for (const jwk of jwks.keys) if (!firstPublished.has(jwk.kid!)) firstPublished.set(jwk.kid!, now);

      // What login and refresh do to sign, without the password hashing.
      const accessToken = t.service.tokens.issue(login.user, login.session, now).token;
      const kid = decodeJwtUnverified(accessToken).header.kid!;
      if (!firstSigned.has(kid)) {
        firstSigned.set(kid, now);
        const published = firstPublished.get(kid);
        assert.ok(published !== undefined, `key ${kid} signs without being in the JWKS`);
        if (firstSigned.size > 1) {
          assert.ok(now - published >= maxAgeMs, `key ${kid} signs ${now - published} ms after publication`);
        }
      }
      live.push({ token: accessToken, exp: decodeJwtUnverified(accessToken).payload.exp as number });
      const keySet = createKeySet(jwks);
      for (const { token, exp } of live.splice(0)) {
        if (exp * 1000 <= now) continue;
        verifyJwt(token, keySet, {
          algorithms: ['EdDSA'],
          issuer: t.config.issuer,
          audience: t.config.audience,
          typ: 'at+jwt',
          now: new Date(now),
        });
        live.push({ token, exp });
      }
      t.clock.advance(opts.step);
    }
    return { firstSigned, largestJwks };
  }

  it('with the defaults over 65 days: two rotations, each key published ahead and kept while its tokens live', async () => {
    const t = await openTestService();
    after(() => t.cleanup());
    const start = t.clock.now();
    const { firstSigned, largestJwks } = await walk(t, { step: HOUR, until: 65 * DAY });
    const starts = [...firstSigned.values()].map((at) => at - start);
    assert.equal(starts.length, 3);
    // The second key takes over 30 days in, the third 60 days in (to the step).
    assert.ok(Math.abs(starts[1]! - 30 * DAY) <= HOUR, `second key at ${starts[1]! / DAY} days`);
    assert.ok(Math.abs(starts[2]! - 60 * DAY) <= HOUR, `third key at ${starts[2]! / DAY} days`);
    // Old keys leave: never more than the current, the next and one retired key.
    assert.ok(largestJwks <= 3, `JWKS grew to ${largestJwks} keys`);
    assert.equal(t.service.keys.list().length, 1, 'only the current key is left 5 days after a rotation');
  });

  it('in fine steps around daily rotations: never a gap in the JWKS for a live token', async () => {
    const t = await openTestService({ config: { keyRotationIntervalMs: DAY, jwksMaxAgeSeconds: 600 } });
    after(() => t.cleanup());
    const { firstSigned } = await walk(t, { step: 4 * MINUTE, until: 2 * DAY + HOUR });
    assert.equal(firstSigned.size, 3);
  });

  it('a retired key stays in the JWKS until the last token it signed has expired, then leaves', async () => {
    const t = await openTestService();
    after(() => t.cleanup());
    await addUser(t.service, 'ada@example.com');
    const oldKid = t.service.keys.list()[0]!.kid;
    const record = await t.service.keys.rotate();
    // Published at once, signing only after the pre-publication time.
    assert.ok(publishedJwks(t).keys.some((k) => k.kid === record.kid));
    assert.equal(record.activatesAt - t.clock.now(), t.service.keys.policy.prepublishMs);
    t.clock.set(record.activatesAt - 1);
    const lastOld = await loginOk(t.service, 'ada@example.com');
    assert.equal(decodeJwtUnverified(lastOld.accessToken).header.kid, oldKid);
    t.clock.set(record.activatesAt);
    const firstNew = await loginOk(t.service, 'ada@example.com');
    assert.equal(decodeJwtUnverified(firstNew.accessToken).header.kid, record.kid);

    const exp = decodeJwtUnverified(lastOld.accessToken).payload.exp as number;
    t.clock.set(exp * 1000 - 1);
    await t.service.maintain();
    assert.ok(
      publishedJwks(t).keys.some((k) => k.kid === oldKid),
      'kept while its last token lives',
    );
    assert.equal((await t.service.sessions.authenticate(lastOld.accessToken)).status, 'ok');
    t.clock.set(exp * 1000 + 61_000);
    await t.service.maintain();
    assert.deepEqual(
      publishedJwks(t).keys.map((k) => k.kid),
      [record.kid],
    );
  });

  it('manual rotation with immediate: the new key signs at once, the old one stays published', async () => {
    const t = await openTestService();
    after(() => t.cleanup());
    await addUser(t.service, 'ada@example.com');
    const oldKid = t.service.keys.list()[0]!.kid;
    const before = await loginOk(t.service, 'ada@example.com');
    t.clock.advance(MINUTE);
    const record = await t.service.keys.rotate({ immediate: true });
    assert.equal(record.activatesAt, t.clock.now());
    const afterRotation = await loginOk(t.service, 'ada@example.com');
    assert.equal(decodeJwtUnverified(afterRotation.accessToken).header.kid, record.kid);
    assert.deepEqual(
      publishedJwks(t)
        .keys.map((k) => k.kid)
        .sort(),
      [oldKid, record.kid].sort(),
    );
    assert.equal((await t.service.sessions.authenticate(before.accessToken)).status, 'ok');
  });

  it('rotating at the very instant the first key was made still switches to the new key', async () => {
    for (let i = 0; i < 8; i++) {
      const t = await openTestService();
      try {
        const firstKid = t.service.keys.list()[0]!.kid;
        // Same frozen instant as the first key's creation.
        const record = await t.service.keys.rotate({ immediate: true });
        assert.notEqual(record.kid, firstKid);
        assert.equal(t.service.keys.current().kid, record.kid);
        assert.equal(t.service.keys.list().at(-1)?.kid, record.kid);
      } finally {
        await t.cleanup();
      }
    }
  });

  it('two instances keeping the schedule make one next key, not two', async () => {
    const a = await openTestService();
    after(() => a.cleanup());
    const b = await a.reopen();
    after(() => b.close());
    a.clock.advance(30 * DAY - 30 * MINUTE);
    // b decides from what it loaded before a's new key existed: the store refuses its insert.
    // (Truly parallel instances are separate processes; the store's conformance suite races them.)
    assert.equal(await a.service.keys.maintain(), true);
    assert.equal(await b.service.keys.maintain(), false);
    await a.service.keys.load();
    await b.service.keys.load();
    assert.equal(a.service.keys.list().length, 2);
    assert.deepEqual(
      b.service.keys.list().map((k) => k.kid),
      a.service.keys.list().map((k) => k.kid),
    );
  });

  it('keys made by another instance are picked up by load()', async () => {
    const a = await openTestService();
    after(() => a.cleanup());
    const b = await a.reopen();
    after(() => b.close());
    a.clock.advance(MINUTE);
    const record = await a.service.keys.rotate({ immediate: true });
    assert.notEqual(b.service.keys.current().kid, record.kid);
    await b.service.keys.load();
    assert.equal(b.service.keys.current().kid, record.kid);
  });
});

describe('files on disk', () => {
  it('the SQLite file never holds a private key in clear', async () => {
    const t = await openTestService({ config: { signingAlg: 'ES256' } });
    after(() => t.cleanup());
    await t.service.keys.rotate({ immediate: true });
    const { d, x } = exportJwk(t.service.keys.current(), { private: true }) as Record<string, string>;
    await t.close();
    const bytes = Buffer.concat(
      await Promise.all(
        ['', '-wal'].map((suffix) => readFile(`${t.filename}${suffix}`).catch(() => Buffer.alloc(0))),
      ),
    );
    assert.ok(bytes.includes(x!), 'control: the public key is found by this scan');
    assert.ok(!bytes.includes(d!));
    assert.ok(!bytes.includes(Buffer.from(d!, 'base64url')));
  });
});

describe('revoking a key (service.keys.revoke)', () => {
  const kidOf = (token: string) => decodeJwtUnverified(token).header.kid!;
  const jwksKids = (t: TestService) => publishedJwks(t).keys.map((k) => k.kid);

  it('the active key: a fresh key signs at once, the revoked one leaves the JWKS, its tokens are refused, audited', async () => {
    const t = await openTestService();
    after(() => t.cleanup());
    await addUser(t.service, 'ada@example.com');
    const old = await loginOk(t.service, 'ada@example.com');
    const oldKid = kidOf(old.accessToken);
    t.clock.advance(MINUTE);

    const result = await t.service.keys.revoke(oldKid, { actor: { userId: 'admin-1' } });
    assert.ok(result.status === 'revoked');
    assert.ok(result.replacement !== null && result.replacement.kid !== oldKid);
    assert.equal(t.service.keys.current().kid, result.replacement.kid);
    assert.deepEqual(jwksKids(t), [result.replacement.kid]);
    assert.equal((await t.service.sessions.authenticate(old.accessToken)).status, 'invalid');
    // Sessions stay: the refresh token gives a token of the new key, which passes.
    const refreshed = await t.service.sessions.refresh(old.refreshToken);
    assert.ok(refreshed.status === 'ok');
    assert.equal(kidOf(refreshed.tokens.accessToken), result.replacement.kid);
    assert.equal((await t.service.sessions.authenticate(refreshed.tokens.accessToken)).status, 'ok');
    // The feed carries a key entry for guards that cached the JWKS.
    const page = await t.service.revocations.feed(0, t.clock.now());
    assert.deepEqual(
      page.revoked.map((e) => (e.kind === 'key' ? e.kid : e.kind)),
      [oldKid],
    );
    const [rotated] = await t.service.audit.list({ limit: 1, type: 'key-rotated' });
    assert.deepEqual(rotated?.details, { kid: result.replacement.kid, immediate: true, by: 'admin-1' });
    const [revoked] = await t.service.audit.list({ limit: 1, type: 'key-revoked' });
    assert.equal(revoked?.userId, 'admin-1');
    assert.deepEqual(revoked?.details, {
      kid: oldKid,
      replacedBy: result.replacement.kid,
      expires: result.expires,
      by: 'admin-1',
    });
  });

  it('a retired key: no rotation, the signing key stays; a next key: a fresh key signs at once', async () => {
    const t = await openTestService();
    after(() => t.cleanup());
    const first = t.service.keys.list()[0]!.kid;
    t.clock.advance(MINUTE);
    const second = (await t.service.keys.rotate({ immediate: true })).kid;
    t.clock.advance(MINUTE);
    const retired = await t.service.keys.revoke(first);
    assert.deepEqual(retired.status === 'revoked' && retired.replacement, null);
    assert.equal(t.service.keys.current().kid, second);
    assert.deepEqual(jwksKids(t), [second]);

    // A key published to sign later: revoking it must not leave the current key retiring into nothing.
    const next = (await t.service.keys.rotate()).kid;
    const revokedNext = await t.service.keys.revoke(next);
    assert.ok(revokedNext.status === 'revoked' && revokedNext.replacement !== null);
    const signing = revokedNext.replacement.kid;
    assert.equal(t.service.keys.current().kid, signing);
    assert.deepEqual(jwksKids(t).sort(), [second, signing].sort());
    t.clock.advance(40 * DAY);
    await t.service.maintain();
    assert.ok(!jwksKids(t).includes(next));
    assert.notEqual(t.service.keys.current().kid, next);
  });

  it('is never loaded, published or chosen to sign again, also after a restart and maintenance', async () => {
    const t = await openTestService();
    after(() => t.cleanup());
    const oldKid = t.service.keys.list()[0]!.kid;
    t.clock.advance(MINUTE);
    await t.service.keys.revoke(oldKid);
    await t.close();
    const again = await t.reopen();
    after(() => again.close());
    await again.service.maintain();
    assert.ok(!jwksKids(again).includes(oldKid));
    assert.ok(!again.service.keys.list().some((k) => k.kid === oldKid));
    assert.notEqual(again.service.keys.current().kid, oldKid);
    // Rotations and the schedule carry on from the replacement.
    again.clock.advance(31 * DAY);
    await again.service.maintain();
    assert.ok(!again.service.keys.status().some((k) => k.kid === oldKid));
  });

  it('revoking twice changes nothing the second time; an unknown kid is not-found; neither is audited', async () => {
    const t = await openTestService();
    after(() => t.cleanup());
    const kid = t.service.keys.list()[0]!.kid;
    assert.deepEqual(await t.service.keys.revoke('no-such-kid'), { status: 'not-found' });
    assert.equal((await t.service.keys.revoke(kid)).status, 'revoked');
    const signing = t.service.keys.current().kid;
    assert.deepEqual(await t.service.keys.revoke(kid), { status: 'already-revoked', kid });
    // Also once maintenance deleted the key's row: the live feed entry still knows it.
    t.clock.advance(MINUTE);
    await t.service.maintain();
    assert.deepEqual(await t.service.keys.revoke(kid), { status: 'already-revoked', kid });
    assert.equal(t.service.keys.current().kid, signing);
    assert.equal((await t.service.audit.list({ limit: 10, type: 'key-revoked' })).length, 1);
    assert.equal((await t.service.revocations.feed(0, t.clock.now())).revoked.length, 1);
  });

  it('another instance drops the revoked key and signs with the replacement after its next sync', async () => {
    const a = await openTestService();
    after(() => a.cleanup());
    const b = await a.reopen();
    after(() => b.close());
    const oldKid = a.service.keys.list()[0]!.kid;
    a.clock.advance(MINUTE);
    const result = await a.service.keys.revoke(oldKid);
    assert.ok(result.status === 'revoked' && result.replacement !== null);
    assert.equal(b.service.keys.current().kid, oldKid, 'b has not synced yet');
    await b.service.revocations.cutoffs.sync();
    assert.equal(await b.service.keys.reloadIfRevoked(), true);
    assert.equal(b.service.keys.current().kid, result.replacement.kid);
    assert.ok(!jwksKids(b).includes(oldKid));
    assert.equal(await b.service.keys.reloadIfRevoked(), false, 'once per revoked key');
  });
});

describe('revoking every access token (service.revocations.revokeAll)', () => {
  it('refuses every token issued until now, keeps sessions, and is audited', async () => {
    const t = await openTestService();
    after(() => t.cleanup());
    await addUser(t.service, 'ada@example.com');
    const pair = await loginOk(t.service, 'ada@example.com');
    const entry = await t.service.revocations.revokeAll(t.clock.now(), {
      userId: 'admin-1',
      meta: { userAgent: 'tessera-cli' },
    });
    assert.equal(entry.kind, 'all');
    assert.equal((await t.service.sessions.authenticate(pair.accessToken)).status, 'revoked');
    const refreshed = await t.service.sessions.refresh(pair.refreshToken);
    assert.ok(refreshed.status === 'ok');
    assert.equal((await t.service.sessions.authenticate(refreshed.tokens.accessToken)).status, 'ok');
    const [row] = await t.service.audit.list({ limit: 1, type: 'revoked-all' });
    assert.equal(row?.userId, 'admin-1');
    assert.deepEqual(row?.details, {
      before: entry.before,
      expires: entry.expires,
      by: 'admin-1',
      userAgent: 'tessera-cli',
    });
  });
});
