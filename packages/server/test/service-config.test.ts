import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { defaultConfig, isLoopback, loadConfig } from '../src/config.js';
import { openRuntime, SQLITE_FILE } from '../src/runtime.js';
import { KEK_FILE } from '../src/service/kek.js';
import { addUser, DAY, FAST_ARGON2, MINUTE, PASSWORD, SECOND, tempDir } from './helpers/service.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({}, {});
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 3000);
    assert.equal(config.issuer, 'http://127.0.0.1:3000');
    assert.equal(config.audience, 'tessera');
    assert.equal(config.signingAlg, 'EdDSA');
    assert.equal(config.accessTokenTtlSeconds, 600);
    assert.equal(config.refreshIdleMs, 14 * DAY);
    assert.equal(config.refreshAbsoluteMs, 30 * DAY);
    assert.equal(config.refreshGraceMs, 30 * SECOND);
    assert.equal(config.keyRotationIntervalMs, 30 * DAY);
    assert.deepEqual(config.argon2, { memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 });
    assert.equal(config.insecureCookies, false);
    assert.deepEqual(config.allowedOrigins, []);
    assert.equal(config.databaseUrl, undefined);
    for (const limit of Object.values(config.rateLimits)) {
      assert.ok(limit.max > 0 && limit.windowMs >= MINUTE);
    }
    assert.deepEqual(Object.keys(config.rateLimits).sort(), [
      'loginPerEmail',
      'loginPerEmailAndIp',
      'loginPerIp',
      'passwordChangePerUser',
      'refreshPerIp',
      'registerPerEmail',
      'registerPerIp',
    ]);
  });

  it('reads TESSERA_* from the environment it is given, and only from it', () => {
    const env = {
      TESSERA_PORT: '4000',
      TESSERA_HOST: 'localhost',
      TESSERA_ISSUER: 'https://auth.example.com',
      TESSERA_AUDIENCE: 'api',
      TESSERA_SIGNING_ALG: 'ES256',
      TESSERA_ACCESS_TOKEN_TTL_SECONDS: '300',
      TESSERA_ALLOWED_ORIGINS: 'https://app.example.com, https://admin.example.com',
      TESSERA_INSECURE_COOKIES: 'true',
      TESSERA_KEK: 'k'.repeat(43),
    };
    const config = loadConfig({}, env);
    assert.equal(config.port, 4000);
    assert.equal(config.host, 'localhost');
    assert.equal(config.issuer, 'https://auth.example.com');
    assert.equal(config.audience, 'api');
    assert.equal(config.signingAlg, 'ES256');
    assert.equal(config.accessTokenTtlSeconds, 300);
    assert.deepEqual(config.allowedOrigins, ['https://app.example.com', 'https://admin.example.com']);
    assert.equal(config.insecureCookies, true);
    assert.equal(config.kek, 'k'.repeat(43));
    // Explicit overrides win over the environment.
    assert.equal(loadConfig({ port: 5000 }, env).port, 5000);
    // An empty environment leaves the defaults, whatever process.env holds.
    assert.deepEqual(loadConfig({}, {}), loadConfig({}, {}));
    assert.equal(loadConfig({}, {}).kek, undefined);
  });

  it('the default issuer is a valid URL for IPv6 hosts too', () => {
    assert.equal(loadConfig({ host: '::1', port: 4000 }, {}).issuer, 'http://[::1]:4000');
    assert.equal(loadConfig({ host: 'localhost' }, {}).issuer, 'http://localhost:3000');
  });

  it('merges argon2 and rate-limit overrides field by field', () => {
    const config = loadConfig(
      { argon2: FAST_ARGON2, rateLimits: { loginPerIp: { max: 3, windowMs: MINUTE } } },
      {},
    );
    assert.deepEqual(config.argon2, { memoryCost: 1024, timeCost: 1, parallelism: 1 });
    assert.deepEqual(config.rateLimits.loginPerIp, { max: 3, windowMs: MINUTE });
    assert.deepEqual(config.rateLimits.loginPerEmail, defaultConfig().rateLimits.loginPerEmail);
  });

  it('reads a JSON config file between the defaults and the environment', async () => {
    const dir = await tempDir();
    after(() => dir.cleanup());
    const file = join(dir.path, 'tessera.json');
    await writeFile(file, JSON.stringify({ port: 4100, audience: 'from-file', argon2: { timeCost: 3 } }));
    const config = loadConfig({ configFile: file }, { TESSERA_AUDIENCE: 'from-env' });
    assert.equal(config.port, 4100);
    assert.equal(config.audience, 'from-env');
    assert.equal(config.argon2.timeCost, 3);
    assert.equal(config.argon2.memoryCost, 19 * 1024);
  });

  it('a broken config file is named, but none of its text (it may hold a KEK) reaches the error', async () => {
    const dir = await tempDir();
    after(() => dir.cleanup());
    const file = join(dir.path, 'broken.json');
    await writeFile(file, '{ "kek": c2VjcmV0LWtlay1tYXRlcmlhbA }');
    assert.throws(
      () => loadConfig({ configFile: file }, {}),
      (err: Error) => err.message.includes('broken.json') && !err.message.includes('c2Vj'),
    );
  });

  it('insecureCookies is a development flag: refused unless the host is loopback', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1']) {
      assert.equal(loadConfig({ host, insecureCookies: true }, {}).insecureCookies, true);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'auth.example.com', '127.example.com']) {
      assert.throws(() => loadConfig({ host, insecureCookies: true }, {}), /insecureCookies/, host);
      assert.throws(
        () => loadConfig({}, { TESSERA_HOST: host, TESSERA_INSECURE_COOKIES: '1' }),
        /insecureCookies/,
        host,
      );
    }
    assert.equal(isLoopback('127.0.0.53'), true);
    assert.equal(isLoopback('127.evil.example.com'), false);
  });

  it('refuses nonsense values with a clear message', () => {
    const bad: [Parameters<typeof loadConfig>[0], RegExp][] = [
      [{ port: 70000 }, /port/],
      [{ signingAlg: 'none' as never }, /signingAlg/],
      [{ accessTokenTtlSeconds: 0 }, /accessTokenTtlSeconds/],
      [{ accessTokenTtlSeconds: 7200 }, /accessTokenTtlSeconds/],
      [{ refreshIdleMs: 40 * DAY }, /refreshIdleMs/],
      [{ refreshGraceMs: -1 }, /refreshGraceMs/],
      [{ keyRotationIntervalMs: MINUTE }, /keyRotationIntervalMs/],
      [{ issuer: 'not a url' }, /issuer/],
      [{ allowedOrigins: ['https://app.example.com/path'] }, /allowedOrigins\[0\] must be an origin/],
    ];
    for (const [overrides, message] of bad) assert.throws(() => loadConfig(overrides, {}), message);
  });
});

describe('openRuntime', () => {
  it('makes the data directory, a 0600 kek.key, the SQLite file and the first key; reopening keeps them', async () => {
    const dir = await tempDir();
    after(() => dir.cleanup());
    const dataDir = join(dir.path, 'data');
    const config = loadConfig({ dataDir, argon2: FAST_ARGON2 }, {});
    const first = await openRuntime(config, { timers: false });
    const kid = first.service.keys.current().kid;
    await addUser(first.service, 'ada@example.com');
    await first.close();
    assert.equal((await stat(join(dataDir, KEK_FILE))).mode & 0o777, 0o600);
    assert.ok((await stat(join(dataDir, SQLITE_FILE))).isFile());

    const second = await openRuntime(config, { timers: false });
    after(() => second.close());
    assert.equal(second.service.keys.current().kid, kid);
    assert.equal((await second.service.sessions.login('ada@example.com', PASSWORD)).status, 'ok');
    const metrics = await second.metrics.registry.metrics();
    assert.match(metrics, /tessera_logins_total\{outcome="ok"\} 1/);
  });

  it('with TESSERA_KEK the key comes from the configuration and no kek.key is written', async () => {
    const dir = await tempDir();
    after(() => dir.cleanup());
    const config = loadConfig({ dataDir: dir.path, argon2: FAST_ARGON2 }, { TESSERA_KEK: 'a'.repeat(64) });
    const runtime = await openRuntime(config, { timers: false });
    await runtime.close();
    await assert.rejects(stat(join(dir.path, KEK_FILE)), { code: 'ENOENT' });
    // A different KEK is refused before it touches a key, with what to do about it.
    const other = loadConfig({ dataDir: dir.path }, { TESSERA_KEK: 'b'.repeat(64) });
    await assert.rejects(openRuntime(other, { timers: false }), {
      code: 'ERR_CONFIG_KEK_MISMATCH',
      message: /start every instance with the same TESSERA_KEK/,
    });
    await assert.rejects(stat(join(dir.path, KEK_FILE)), { code: 'ENOENT' });
  });

  it('with timers (as serve runs it): starts with a signing key and closes cleanly', async () => {
    const dir = await tempDir();
    after(() => dir.cleanup());
    const runtime = await openRuntime(loadConfig({ dataDir: dir.path, argon2: FAST_ARGON2 }, {}));
    assert.ok(runtime.service.keys.current());
    await runtime.close();
  });
});
