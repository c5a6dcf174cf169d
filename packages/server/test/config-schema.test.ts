import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import {
  CONFIG_ERROR_CODES,
  CONFIG_SCHEMA,
  ConfigError,
  configLeaves,
  configTable,
  defaultConfig,
  envNameOf,
  loadConfig,
} from '../src/config.js';
import { tempDir } from './helpers/service.js';

const README = new URL('../README.md', import.meta.url);
const ERRORS_DOC = new URL('../../../docs/errors.md', import.meta.url);

async function configFile(contents: unknown): Promise<string> {
  const dir = await tempDir();
  after(() => dir.cleanup());
  const file = join(dir.path, 'tessera.json');
  await writeFile(file, typeof contents === 'string' ? contents : JSON.stringify(contents));
  return file;
}

/** Asserts that loading throws a ConfigError with this code whose one-line message matches. */
function refuses(load: () => unknown, code: keyof typeof CONFIG_ERROR_CODES, message: RegExp): void {
  assert.throws(load, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    assert.doesNotMatch(err.message, /\n/);
    return true;
  });
}

describe('configuration schema', () => {
  it('a misspelled key in the config file stops the start, naming the key and the file', async () => {
    const file = await configFile({ acessTokenTtlSeconds: 300 });
    refuses(
      () => loadConfig({ configFile: file }, {}),
      'ERR_CONFIG_UNKNOWN_KEY',
      new RegExp(
        `unknown setting acessTokenTtlSeconds \\(in the config file ${file.replaceAll('/', '\\/')}\\)`,
      ),
    );
  });

  it('unknown nested keys are refused too', async () => {
    const file = await configFile({ rateLimits: { loginPerIp: { max: 5, windowMs: 60_000, burst: 2 } } });
    refuses(
      () => loadConfig({ configFile: file }, {}),
      'ERR_CONFIG_UNKNOWN_KEY',
      /rateLimits\.loginPerIp\.burst/,
    );
    const file2 = await configFile({ argon2: { memory: 4096 } });
    refuses(() => loadConfig({ configFile: file2 }, {}), 'ERR_CONFIG_UNKNOWN_KEY', /argon2\.memory /);
  });

  it('wrong types and out-of-range values name the key and where it came from', async () => {
    const cases: [unknown, RegExp][] = [
      [{ audience: 42 }, /^invalid configuration: audience must be string \(in the config file/],
      [
        { jwksMaxAgeSeconds: -1 },
        /jwksMaxAgeSeconds must be integer to be greater or equal to 0 \(in the config/,
      ],
      [
        { rateLimits: { loginPerIp: { max: 'ten' } } },
        /rateLimits\.loginPerIp\.max must be integer \(in the config/,
      ],
      [{ signingAlg: 'none' }, /signingAlg must be one of EdDSA, .*HS512 \(in the config/],
      [{ registration: 'invite-only' }, /registration must be "open" or "closed"/],
      [{ port: 1.5 }, /port must be integer/],
      [{ logLevel: 'verbose' }, /logLevel must be one of/],
    ];
    for (const [contents, message] of cases) {
      const file = await configFile(contents);
      refuses(() => loadConfig({ configFile: file }, {}), 'ERR_CONFIG_INVALID', message);
    }
  });

  it('an environment variable is named when its value is wrong, and unknown TESSERA_* variables are refused', () => {
    refuses(
      () => loadConfig({}, { TESSERA_PORT: 'eighty' }),
      'ERR_CONFIG_INVALID',
      /port must be integer \(from TESSERA_PORT\)/,
    );
    refuses(
      () => loadConfig({}, { TESSERA_RATE_LIMITS_LOGIN_PER_IP_MAX: '0' }),
      'ERR_CONFIG_INVALID',
      /rateLimits\.loginPerIp\.max .* \(from TESSERA_RATE_LIMITS_LOGIN_PER_IP_MAX\)/,
    );
    refuses(
      () => loadConfig({}, { TESSERA_ACCESS_TOKEN_TTL: '300' }),
      'ERR_CONFIG_UNKNOWN_KEY',
      /TESSERA_ACCESS_TOKEN_TTL$/,
    );
    // Not settings, but Tessera's own variables: allowed.
    assert.doesNotThrow(() =>
      loadConfig({}, { TESSERA_ADMIN_EMAIL: 'a@example.com', TESSERA_DEBUG: '1', TESSERA_TEST_PG_URL: 'x' }),
    );
  });

  it('an option (CLI flag or program override) is named as such', () => {
    refuses(() => loadConfig({ port: 70000 }, {}), 'ERR_CONFIG_INVALID', /port must be .* \(as an option\)/);
  });

  it('values never appear in a message: a bad KEK or database URL is named, not quoted', async () => {
    const file = await configFile({ databaseUrl: 'mysql://user:hunter2@db/x', kek: 7 });
    assert.throws(
      () => loadConfig({ configFile: file }, {}),
      (err: Error) => /kek|databaseUrl/.test(err.message) && !err.message.includes('hunter2'),
    );
  });

  it('nested objects merge key by key across file, environment and options', async () => {
    const file = await configFile({ rateLimits: { loginPerIp: { max: 7 } }, argon2: { timeCost: 3 } });
    const config = loadConfig(
      { configFile: file, argon2: { parallelism: 2 } },
      { TESSERA_RATE_LIMITS_LOGIN_PER_IP_WINDOW_MS: '120000', TESSERA_ARGON2_MEMORY_COST: '4096' },
    );
    const defaults = defaultConfig();
    assert.deepEqual(config.rateLimits.loginPerIp, { max: 7, windowMs: 120_000 });
    assert.deepEqual(config.rateLimits.loginPerEmail, defaults.rateLimits.loginPerEmail);
    assert.deepEqual(config.argon2, { memoryCost: 4096, timeCost: 3, parallelism: 2 });
  });

  it('every setting has an environment variable that follows its key name', () => {
    const names = new Set<string>();
    for (const leaf of configLeaves()) {
      assert.equal(leaf.env, envNameOf(leaf.key));
      assert.match(leaf.env, /^TESSERA_[A-Z0-9_]+$/);
      assert.ok(!names.has(leaf.env), `${leaf.env} is used twice`);
      names.add(leaf.env);
    }
    assert.equal(envNameOf('accessTokenTtlSeconds'), 'TESSERA_ACCESS_TOKEN_TTL_SECONDS');
    assert.equal(envNameOf('argon2.memoryCost'), 'TESSERA_ARGON2_MEMORY_COST');
  });

  it('reads every kind of setting from the environment', () => {
    const config = loadConfig(
      {},
      {
        TESSERA_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8',
        TESSERA_REGISTRATION: 'closed',
        TESSERA_DEMO_ROUTES: 'false',
        TESSERA_REFRESH_GRACE_MS: '0',
        TESSERA_HASH_CONCURRENCY: '3',
      },
    );
    assert.equal(config.trustProxy, '127.0.0.1, 10.0.0.0/8');
    assert.equal(config.registration, 'closed');
    assert.equal(config.demoRoutes, false);
    assert.equal(config.refreshGraceMs, 0);
    assert.equal(config.hashConcurrency, 3);
  });

  it('Redis: a URL or cluster nodes (comma-separated in the environment, an array in the file), never both', async () => {
    assert.equal(defaultConfig().redisUrl, undefined);
    assert.equal(defaultConfig().redisClusterNodes, undefined);
    assert.equal(defaultConfig().redisAllowVolatile, false);
    const fromEnv = loadConfig(
      {},
      {
        TESSERA_REDIS_CLUSTER_NODES: '10.0.0.1:6379, redis-2:7000,[::1]:7001',
        TESSERA_REDIS_ALLOW_VOLATILE: 'yes',
      },
    );
    assert.deepEqual(fromEnv.redisClusterNodes, ['10.0.0.1:6379', 'redis-2:7000', '[::1]:7001']);
    assert.equal(fromEnv.redisAllowVolatile, true);
    const file = await configFile({ redisClusterNodes: ['10.0.0.1:6379'] });
    assert.deepEqual(loadConfig({ configFile: file }, {}).redisClusterNodes, ['10.0.0.1:6379']);
    assert.equal(
      loadConfig({}, { TESSERA_REDIS_URL: 'rediss://:pw@redis.example:6380/0' }).redisUrl,
      'rediss://:pw@redis.example:6380/0',
    );
    refuses(
      () => loadConfig({}, { TESSERA_REDIS_URL: 'http://secret-host:6379' }),
      'ERR_CONFIG_INVALID',
      /^invalid configuration: redisUrl must be a redis:\/\/ or rediss:\/\/ URL \(from TESSERA_REDIS_URL\)$/,
    );
    refuses(
      () => loadConfig({}, { TESSERA_REDIS_CLUSTER_NODES: '10.0.0.1' }),
      'ERR_CONFIG_INVALID',
      /redisClusterNodes\[0\] must be host:port \(from TESSERA_REDIS_CLUSTER_NODES\)/,
    );
    refuses(
      () =>
        loadConfig({ redisUrl: 'redis://127.0.0.1:6379' }, { TESSERA_REDIS_CLUSTER_NODES: '10.0.0.1:6379' }),
      'ERR_CONFIG_INVALID',
      /redisClusterNodes and redisUrl are exclusive/,
    );
  });

  it('trustProxy takes Fastify’s forms: true, a hop count, or addresses/CIDRs', () => {
    assert.equal(loadConfig({}, { TESSERA_TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(loadConfig({}, { TESSERA_TRUST_PROXY: '1' }).trustProxy, 1);
    assert.equal(loadConfig({}, { TESSERA_TRUST_PROXY: '2' }).trustProxy, 2);
    assert.equal(loadConfig({}, { TESSERA_TRUST_PROXY: 'false' }).trustProxy, false);
    assert.equal(
      loadConfig({}, { TESSERA_TRUST_PROXY: '::1, loopback, fd00::/8' }).trustProxy,
      '::1, loopback, fd00::/8',
    );
    for (const bad of ['proxy.internal', '10.0.0.0/33', '1.2.3.4/8/1']) {
      refuses(
        () => loadConfig({}, { TESSERA_TRUST_PROXY: bad }),
        'ERR_CONFIG_INVALID',
        /trustProxy .*TESSERA_TRUST_PROXY/,
      );
    }
  });

  it('demo routes are on by default on a loopback host only', () => {
    assert.equal(loadConfig({}, {}).demoRoutes, true);
    assert.equal(loadConfig({ host: '0.0.0.0' }, {}).demoRoutes, false);
    assert.equal(loadConfig({ host: '0.0.0.0', demoRoutes: true }, {}).demoRoutes, true);
  });

  it('the result of loadConfig always passes the schema', () => {
    const config = loadConfig({}, {});
    assert.ok(Value.Check(CONFIG_SCHEMA, config));
  });

  it('a config file that is not an object, or missing, is a ConfigError naming the file', async () => {
    const file = await configFile('[1, 2]');
    refuses(() => loadConfig({ configFile: file }, {}), 'ERR_CONFIG_FILE', /must hold a JSON object/);
    refuses(
      () => loadConfig({ configFile: `${file}.missing` }, {}),
      'ERR_CONFIG_FILE',
      /cannot read .*ENOENT/,
    );
  });

  it('the README configuration table is the one the schema renders (both ways)', () => {
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf('<!-- config-table:start -->');
    const end = readme.indexOf('<!-- config-table:end -->');
    assert.ok(start >= 0 && end > start, 'the README lacks the config-table markers');
    const inReadme = readme.slice(start + '<!-- config-table:start -->'.length, end).trim();
    assert.equal(inReadme, configTable().trim(), 'the README table is stale: run `npm run docs:config`');
    // Both ways, spelled out: every documented key is a setting and every setting is documented.
    const documented = [...inReadme.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual(
      documented,
      configLeaves().map((leaf) => leaf.key),
    );
  });

  it('every ConfigError code is documented in docs/errors.md, and every documented ERR_CONFIG_ code exists', () => {
    const docs = readFileSync(ERRORS_DOC, 'utf8');
    for (const code of Object.keys(CONFIG_ERROR_CODES)) assert.ok(docs.includes(`\`${code}\``), code);
    for (const [code] of docs.matchAll(/ERR_CONFIG_[A-Z_]+/g)) assert.ok(code in CONFIG_ERROR_CODES, code);
  });
});
