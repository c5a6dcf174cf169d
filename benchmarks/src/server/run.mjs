// The Tessera auth server under load, and better-auth beside it (see
// benchmarks/README.md). Each server runs alone in one Node process pinned to one
// CPU (BENCH_CPU, default 1); the load comes from another process pinned to the
// other CPU (BENCH_CLIENT_CPU, default 0) against 127.0.0.1.
//
//   npm run bench:server
//   BENCH_DURATION=2 BENCH_RUNS=1 BENCH_WARMUP=1 BENCH_ARGON2_SECONDS=1 npm run bench:server   # smoke run
//   BENCH_FILTER=refresh,token npm run bench:server    # only cases whose name matches
//   BENCH_FILTER=client-credentials,introspect BENCH_SERVERS=tessera npm run bench:server   # the OAuth cases
//
// Environment: BENCH_RUNS (3) BENCH_DURATION (10 s) BENCH_WARMUP (3 s)
// BENCH_CONNECTIONS (50) BENCH_SESSIONS (refresh chains; default = connections)
// BENCH_ELD_RUNS (= BENCH_RUNS: login/sign-in flood runs with the event-loop delay monitor on)
// BENCH_FLOOD_DURATION (15 s per login/sign-in run) BENCH_FLOOD_SKIP (5: their rate and CPU
// are taken after the first 5 s, once the queue of 50 requests is in steady state)
// BENCH_ARGON2_SECONDS (5, per concurrency) BENCH_SERVERS (tessera,better-auth)
// BENCH_FILTER (regex on case names such as tessera/refresh; comma = alternatives)
// BENCH_CPU (1) BENCH_CLIENT_CPU (0) BENCH_NO_PIN=1 BENCH_CPU_PROF=<dir> (a --cpu-prof
// profile of each server process, written when it exits).
//
//   npm run bench:server -- --redis    # the SQLite refresh row, then Tessera on Redis (redis-cases.mjs)
//
// With --redis: BENCH_REDIS_FSYNC (everysec) BENCH_REDIS_SESSIONS (1000: sessions in Redis for
// the first refresh run) BENCH_REDIS_SEED (1000000: sessions in Redis for the second; 0 skips it)
// BENCH_REDIS_SEED_PER_USER (1 session per seeded user) BENCH_REDIS_CEILING_REQUESTS (500000)
// BENCH_PROPAGATION_REVOCATIONS (200 per mode) BENCH_PROPAGATION_POLL_MS (5000, the guard's
// default) BENCH_PROPAGATION_SPACING_MS (100: a logout every 50-150 ms). BENCH_FILTER applies to the case names
// (tessera/refresh, redis/refresh, redis/ceiling, redis/refresh-x2, redis/propagation).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { envFilters, envInt } from '../lib/env.mjs';
import { request } from '../lib/http-client.mjs';
import { runAutocannon } from '../lib/load.mjs';
import { describeEnvironment, packageVersion } from '../lib/machine.mjs';
import { allowedCpus, waitIdle } from '../lib/proc-stat.mjs';
import { runNode } from '../lib/process.mjs';
import { redisInstalled, redisVersion } from '../lib/redis.mjs';
import { BENCH_DIR, writeResults } from '../lib/results.mjs';
import { startLoadRun } from '../lib/run-context.mjs';
import { freePort, profilingArgs, startServer } from '../lib/servers.mjs';
import { oauthCases } from './oauth-cases.mjs';
import { benchRedis } from './redis-cases.mjs';
import { redisReportMarkdown } from './redis-report.mjs';
import { reportMarkdown } from './report.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(BENCH_DIR, '..');
const TESSERA_MAIN = join(REPO, 'packages', 'server', 'dist', 'cli', 'main.js');
const PRELOAD = pathToFileURL(join(HERE, 'eld-preload.mjs')).href;
const PASSWORD = 'correct horse battery staple';
// One issuer for every instance (the default would be http://127.0.0.1:<port>, one per instance).
const ISSUER = 'http://tessera.bench.test';
// The configuration's ceiling: high enough that floods measure the work, not the 429s.
const HIGH = { max: 1_000_000, windowMs: 60_000 };

function settings(env = process.env) {
  const connections = envInt('BENCH_CONNECTIONS', 50);
  const servers = (env.BENCH_SERVERS ?? 'tessera,better-auth').split(',').map((s) => s.trim());
  for (const s of servers) {
    if (s !== 'tessera' && s !== 'better-auth') throw new Error(`BENCH_SERVERS: unknown server ${s}`);
  }
  return {
    runs: envInt('BENCH_RUNS', 3),
    duration: envInt('BENCH_DURATION', 10),
    warmup: envInt('BENCH_WARMUP', 3, { min: 0 }),
    connections,
    sessions: envInt('BENCH_SESSIONS', connections),
    eldRuns: envInt('BENCH_ELD_RUNS', envInt('BENCH_RUNS', 3)),
    floodDuration: envInt('BENCH_FLOOD_DURATION', 15),
    floodSkip: envInt('BENCH_FLOOD_SKIP', 5, { min: 0 }),
    argon2Seconds: envInt('BENCH_ARGON2_SECONDS', 5),
    servers,
    filters: envFilters('BENCH_FILTER'),
    // From the repository root npm keeps `--redis` for itself and sets npm_config_redis.
    redis:
      process.argv.includes('--redis') ||
      process.argv.includes('redis') ||
      env.npm_config_redis === 'true' ||
      env.BENCH_REDIS === '1',
    redisFsync: env.BENCH_REDIS_FSYNC ?? 'everysec',
    smallSessions: envInt('BENCH_REDIS_SESSIONS', 1000),
    largeSessions: envInt('BENCH_REDIS_SEED', 1_000_000, { min: 0 }),
    seedPerUser: envInt('BENCH_REDIS_SEED_PER_USER', 1),
    ceilingRequests: envInt('BENCH_REDIS_CEILING_REQUESTS', 500_000),
    propagationRevocations: envInt('BENCH_PROPAGATION_REVOCATIONS', 200),
    propagationPollMs: envInt('BENCH_PROPAGATION_POLL_MS', 5000),
    propagationSpacingMs: envInt('BENCH_PROPAGATION_SPACING_MS', 100),
    propagationModes: (env.BENCH_PROPAGATION_MODES ?? 'auto,poll').split(','),
  };
}

const selected = (cfg, name) => !cfg.filters || cfg.filters.some((re) => re.test(name));

function log(line) {
  console.log(line);
}

function fmtRun(name, r) {
  const lat = r.latency;
  const fails = (r.non2xx ?? 0) + (r.errors ?? 0) + (r.timeouts ?? 0);
  return (
    `  ${name.padEnd(26)} ${Math.round(r.perSec ?? r.reqPerSec)
      .toLocaleString('en-US')
      .padStart(7)}/s  p50 ${round(lat.p50)} ms  p99 ${round(lat.p99)} ms` +
    `  server ${r.cpuUsPerReq?.toFixed(0)} µs/req (${Math.round((r.serverCpuUse ?? 0) * 100)}% CPU)` +
    `  client ${Math.round(r.clientCpuUse * 100)}% CPU${fails ? `  !! failures ${fails}` : ''}` +
    (r.eld ? `  event-loop delay p99 ${round(r.eld.p99)} ms max ${round(r.eld.max)} ms` : '')
  );
}

function round(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function expect(cond, message) {
  if (!cond) throw new Error(`probe: ${message}`);
}

// ---------------------------------------------------------------- event-loop delay

/**
 * Send a command to the preloaded monitor (enable | snapshot | disable) and
 * resolve with the histogram it writes back.
 */
async function eldCommand(proc, command) {
  const before = proc.eldSeq ?? 0;
  writeFileSync(`${proc.eldFile}.cmd`, command);
  process.kill(proc.pid, 'SIGUSR2');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (existsSync(proc.eldFile)) {
      try {
        const snap = JSON.parse(readFileSync(proc.eldFile, 'utf8'));
        if (snap.seq > before) {
          proc.eldSeq = snap.seq;
          return snap;
        }
      } catch {
        // being replaced; read again
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the event-loop delay monitor did not answer SIGUSR2');
}

// ---------------------------------------------------------------- generic autocannon case

/** Wait until the server has worked off what the previous flood left queued. */
async function settle(proc) {
  if (!(await waitIdle(proc.pid))) log('  (the server is still busy after 120 s; measuring anyway)');
}

/**
 * warm-up (discarded), then cfg.runs autocannon runs, each after a probe. With
 * eld, cfg.eldRuns more runs follow with the server's event-loop delay monitor
 * on (enabled before, read and disabled after each run); the throughput figures
 * come from the runs without it, since on one core its 1 ms timer costs the
 * password-hashing thread CPU.
 */
async function autocannonCase(plans, cfg, proc, name, load, probe, { eld = false } = {}) {
  const spec = { connections: cfg.connections, serverPid: proc.pid, ...load };
  await settle(proc);
  await probe();
  if (cfg.warmup > 0) await runAutocannon(plans.client, { ...spec, duration: cfg.warmup });
  const measure = async (label, count, withEld) => {
    const out = [];
    for (let r = 0; r < count; r++) {
      await settle(proc);
      await probe();
      if (withEld) await eldCommand(proc, 'enable');
      const run = await runAutocannon(plans.client, { ...spec, duration: load.duration ?? cfg.duration });
      if (withEld) run.eld = await eldCommand(proc, 'disable');
      out.push(run);
      log(fmtRun(`${label} ${r + 1}/${count}`, run));
    }
    return out;
  };
  const runs = await measure(name, cfg.runs, false);
  const eldRuns = eld ? await measure(`${name} +eld`, cfg.eldRuns, true) : undefined;
  return { name, kind: 'autocannon', runs, eldRuns };
}

/**
 * A login flood: every connection posts `email` and the right password for
 * cfg.floodDuration seconds, measured from second cfg.floodSkip on, with the
 * event-loop delay runs (the same load for Tessera and better-auth).
 */
function loginFloodCase(plans, cfg, proc, name, url, email, probe) {
  const load = {
    url,
    duration: cfg.floodDuration,
    steadyAfter: cfg.floodSkip,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  };
  return autocannonCase(plans, cfg, proc, name, load, probe, { eld: true });
}

// ---------------------------------------------------------------- raw argon2id

async function rawArgon2(plans, cfg, params) {
  const out = await runNode(
    plans.server,
    join(HERE, 'argon2-raw.mjs'),
    [JSON.stringify({ seconds: cfg.argon2Seconds, concurrency: [1, 2, 4], params, password: PASSWORD })],
    { timeoutMs: (cfg.argon2Seconds * 3 + 60) * 1000 },
  );
  const line = out.stdout.trim().split('\n').pop();
  if (out.code !== 0 || !line) throw new Error(`argon2-raw failed: ${out.stderr.slice(-2000)}`);
  const raw = JSON.parse(line);
  for (const r of raw.results) {
    log(
      `  argon2id verify, ${r.concurrency} in flight: ${r.perSec.toFixed(1)}/s (${(1000 / r.perSec).toFixed(1)} ms each)`,
    );
  }
  log(`  availableParallelism() on the pinned CPU set: ${raw.availableParallelism}`);
  return raw;
}

/** Raw rates measured before and after the login flood, averaged per concurrency. */
function combineRaw(before, after) {
  return {
    ...before,
    results: before.results.map((b) => {
      const a = after.results.find((x) => x.concurrency === b.concurrency);
      return {
        concurrency: b.concurrency,
        perSec: (b.perSec + a.perSec) / 2,
        before: b.perSec,
        after: a.perSec,
      };
    }),
    before,
    after,
  };
}

// ---------------------------------------------------------------- Tessera

/** The environment without the caller's TESSERA_* variables, plus `extra` (which may set some). */
function cleanEnv(extra) {
  const env = { ...process.env, NODE_ENV: 'production' };
  for (const k of Object.keys(env)) if (k.startsWith('TESSERA_')) delete env[k];
  return { ...env, ...extra };
}

async function startTessera(plan, dir, extraEnv = {}) {
  const port = await freePort();
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      logLevel: 'warn',
      issuer: ISSUER,
      rateLimits: {
        loginPerIp: HIGH,
        loginPerEmailAndIp: HIGH,
        loginPerEmail: HIGH,
        registerPerIp: HIGH,
        registerPerEmail: HIGH,
        refreshPerIp: HIGH,
      },
    }),
  );
  const eldFile = join(dir, `eld-${port}.json`);
  const proc = await startServer(plan, {
    script: TESSERA_MAIN,
    args: ['serve', '--data-dir', dir, '--config', configFile, '--port', String(port)],
    nodeArgs: ['--import', PRELOAD, ...profilingArgs(`tessera-serve-${port}`)],
    env: cleanEnv({ BENCH_ELD_FILE: eldFile, ...extraEnv }),
    cwd: REPO,
    ready: /listening on http:\/\/127\.0\.0\.1:(\d+)/,
    name: 'tessera serve',
  });
  return Object.assign(proc, { port, eldFile });
}

async function tesseraLogin(port, email, password = PASSWORD) {
  return request(port, { method: 'POST', path: '/auth/login', body: { email, password } });
}

async function benchTessera(plans, cfg, argon2Params) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-server-'));
  const cases = [];
  let proc;
  try {
    proc = await startTessera(plans.server, dir);
    const { port } = proc;
    const cpus = allowedCpus(proc.pid);
    log(`tessera serve: pid ${proc.pid}, port ${port}, CPUs ${cpus}`);

    // Users and sessions, before any measured window (argon2 makes this slow on purpose).
    const users = Math.max(1, Math.min(10, cfg.sessions));
    for (let i = 0; i < users; i++) {
      const r = await request(port, {
        method: 'POST',
        path: '/auth/register',
        body: { email: `bench-${i}@example.com`, password: PASSWORD },
      });
      expect(r.status === 201, `register got ${r.status} ${r.text}`);
    }
    const t0 = performance.now();
    const refreshTokens = [];
    if (selected(cfg, 'tessera/refresh')) {
      for (let i = 0; i < cfg.sessions; i++) {
        const r = await tesseraLogin(port, `bench-${i % users}@example.com`);
        expect(r.status === 200 && r.json?.refresh_token, `login got ${r.status} ${r.text}`);
        refreshTokens.push(r.json.refresh_token);
      }
      log(
        `  ${users} users, ${cfg.sessions} sessions made in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    }

    // 1. Refresh rotation: one chain per connection.
    if (selected(cfg, 'tessera/refresh')) {
      const probeLogin = await tesseraLogin(port, 'bench-0@example.com');
      const probeOld = probeLogin.json.refresh_token;
      const rotated = await request(port, {
        method: 'POST',
        path: '/auth/refresh',
        body: { refresh_token: probeOld },
      });
      expect(
        rotated.status === 200 &&
          typeof rotated.json?.refresh_token === 'string' &&
          rotated.json.refresh_token !== probeOld &&
          typeof rotated.json.access_token === 'string',
        `refresh got ${rotated.status} ${rotated.text}`,
      );
      const bogus = await request(port, {
        method: 'POST',
        path: '/auth/refresh',
        body: { refresh_token: 'A'.repeat(43) },
      });
      expect(bogus.status === 401, `an unknown refresh token got ${bogus.status}`);

      const tokensFile = join(dir, 'refresh-tokens.json');
      writeFileSync(tokensFile, JSON.stringify(refreshTokens), { mode: 0o600 });
      const out = await runNode(
        plans.client,
        join(HERE, 'refresh-client.mjs'),
        [
          JSON.stringify({
            port,
            tokensFile,
            warmup: cfg.warmup,
            duration: cfg.duration,
            runs: cfg.runs,
            serverPid: proc.pid,
          }),
        ],
        { timeoutMs: (cfg.warmup + cfg.runs * cfg.duration + 120) * 1000 },
      );
      const line = out.stdout.trim().split('\n').pop();
      if (out.code !== 0 || !line) throw new Error(`refresh client failed: ${out.stderr.slice(-2000)}`);
      const res = JSON.parse(line);
      res.runs.forEach((r, i) => {
        log(fmtRun(`tessera/refresh ${i + 1}/${cfg.runs}`, r));
      });
      if (res.errors > 0) log(`  !! refresh errors ${res.errors}: ${res.errorSamples.join(' | ')}`);
      // Every chain must still be alive: its last token must rotate once more.
      const last = JSON.parse(readFileSync(tokensFile, 'utf8')).filter(Boolean);
      const again = await request(port, {
        method: 'POST',
        path: '/auth/refresh',
        body: { refresh_token: last[0] },
      });
      expect(again.status === 200, `a chain's last token did not rotate after the run (${again.status})`);
      cases.push({
        name: 'tessera/refresh',
        kind: 'refresh-client',
        chains: res.chains,
        brokenChains: res.brokenChains,
        errors: res.errors,
        errorSamples: res.errorSamples,
        runs: res.runs,
      });
    }

    // 2. GET /auth/me with a fresh access token.
    if (selected(cfg, 'tessera/me')) {
      const login = await tesseraLogin(port, 'bench-0@example.com');
      const access = login.json.access_token;
      const tampered = `${access.slice(0, -4)}${access.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
      const probe = async () => {
        const ok = await request(port, { path: '/auth/me', headers: { authorization: `Bearer ${access}` } });
        expect(
          ok.status === 200 && ok.json?.email === 'bench-0@example.com',
          `/auth/me got ${ok.status} ${ok.text}`,
        );
        const bad = await request(port, {
          path: '/auth/me',
          headers: { authorization: `Bearer ${tampered}` },
        });
        expect(bad.status === 401, `/auth/me with a tampered token got ${bad.status}`);
      };
      cases.push(
        await autocannonCase(
          plans,
          cfg,
          proc,
          'tessera/me',
          { url: `http://127.0.0.1:${port}/auth/me`, headers: { authorization: `Bearer ${access}` } },
          probe,
        ),
      );
    }

    // 3. JWKS.
    if (selected(cfg, 'tessera/jwks')) {
      const probe = async () => {
        const r = await request(port, { path: '/.well-known/jwks.json' });
        expect(r.status === 200 && r.json?.keys?.length >= 1, `JWKS got ${r.status} ${r.text}`);
      };
      cases.push(
        await autocannonCase(
          plans,
          cfg,
          proc,
          'tessera/jwks',
          { url: `http://127.0.0.1:${port}/.well-known/jwks.json` },
          probe,
        ),
      );
    }

    // 4. OAuth: client_credentials grants and introspections (src/server/oauth-cases.mjs).
    cases.push(
      ...(await oauthCases({
        plans,
        cfg,
        proc,
        cli: TESSERA_MAIN,
        storeArgs: ['--data-dir', dir, '--config', join(dir, 'config.json')],
        env: cleanEnv(),
        selected,
        autocannonCase,
        expect,
        issuer: ISSUER,
      })),
    );

    // 5. Login flood, with the event-loop delay measured inside the server. The raw
    // argon2id rate is measured on the same CPU right before and right after it
    // (the server idle meanwhile), so that both see the same machine.
    let raw;
    if (selected(cfg, 'tessera/login')) {
      const rawLabel = `raw argon2id (m=${argon2Params.memoryCost} t=${argon2Params.timeCost} p=${argon2Params.parallelism}) on the server CPU, server idle`;
      await settle(proc);
      log(`${rawLabel}, before the login flood:`);
      const rawBefore = await rawArgon2(plans, cfg, argon2Params);
      const email = 'bench-0@example.com';
      const probe = async () => {
        const ok = await tesseraLogin(port, email);
        expect(ok.status === 200 && ok.json?.refresh_token, `login got ${ok.status} ${ok.text}`);
        const bad = await tesseraLogin(port, email, 'wrong password, surely');
        expect(bad.status === 401, `login with a wrong password got ${bad.status}`);
      };
      cases.push(
        await loginFloodCase(
          plans,
          cfg,
          proc,
          'tessera/login',
          `http://127.0.0.1:${port}/auth/login`,
          email,
          probe,
        ),
      );
      await settle(proc);
      log(`${rawLabel}, after the login flood:`);
      raw = combineRaw(rawBefore, await rawArgon2(plans, cfg, argon2Params));
    }
    return { cpus, cases, raw };
  } finally {
    await proc?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- better-auth

async function benchBetterAuth(plans, cfg) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-better-auth-'));
  const cases = [];
  let proc;
  try {
    const port = await freePort();
    const eldFile = join(dir, 'eld.json');
    proc = await startServer(plans.server, {
      script: join(HERE, 'better-auth-app.mjs'),
      args: [JSON.stringify({ dataDir: dir, port })],
      nodeArgs: ['--import', PRELOAD, ...profilingArgs('better-auth')],
      env: { ...process.env, NODE_ENV: 'production', BENCH_ELD_FILE: eldFile },
      ready: /better-auth listening on (\d+)/,
      name: 'better-auth',
    });
    Object.assign(proc, { port, eldFile });
    const cpus = allowedCpus(proc.pid);
    log(`better-auth: pid ${proc.pid}, port ${port}, CPUs ${cpus}`);
    const base = `http://127.0.0.1:${port}/api/auth`;
    const email = 'bench-0@example.com';
    const signUp = await request(port, {
      method: 'POST',
      path: '/api/auth/sign-up/email',
      body: { email, password: PASSWORD, name: 'Bench' },
    });
    expect(signUp.status === 200, `sign-up got ${signUp.status} ${signUp.text}`);
    const signIn = (password = PASSWORD) =>
      request(port, { method: 'POST', path: '/api/auth/sign-in/email', body: { email, password } });
    const sessionCookie = (res) => {
      const set = [res.headers['set-cookie'] ?? []]
        .flat()
        .find((c) => c.startsWith('better-auth.session_token='));
      return set?.split(';')[0];
    };
    const first = await signIn();
    const cookie = sessionCookie(first);
    expect(first.status === 200 && cookie, `sign-in got ${first.status} ${first.text}`);

    // 1. GET /api/auth/token: a JWT minted from the session cookie (the counterpart of a refresh).
    if (selected(cfg, 'better-auth/token')) {
      const probe = async () => {
        const r = await request(port, { path: '/api/auth/token', headers: { cookie } });
        expect(
          r.status === 200 && typeof r.json?.token === 'string' && r.json.token.split('.').length === 3,
          `token got ${r.status} ${r.text}`,
        );
        const none = await request(port, { path: '/api/auth/token' });
        expect(none.status === 401, `token without a session got ${none.status}`);
      };
      cases.push(
        await autocannonCase(
          plans,
          cfg,
          proc,
          'better-auth/token',
          { url: `${base}/token`, headers: { cookie } },
          probe,
        ),
      );
    }

    // 2. GET /api/auth/get-session (counterpart of GET /auth/me).
    if (selected(cfg, 'better-auth/get-session')) {
      const probe = async () => {
        const r = await request(port, { path: '/api/auth/get-session', headers: { cookie } });
        expect(r.status === 200 && r.json?.user?.email === email, `get-session got ${r.status} ${r.text}`);
      };
      cases.push(
        await autocannonCase(
          plans,
          cfg,
          proc,
          'better-auth/get-session',
          { url: `${base}/get-session`, headers: { cookie } },
          probe,
        ),
      );
    }

    // 3. JWKS.
    if (selected(cfg, 'better-auth/jwks')) {
      const probe = async () => {
        const r = await request(port, { path: '/api/auth/jwks' });
        expect(r.status === 200 && r.json?.keys?.length >= 1, `jwks got ${r.status} ${r.text}`);
      };
      cases.push(await autocannonCase(plans, cfg, proc, 'better-auth/jwks', { url: `${base}/jwks` }, probe));
    }

    // 4. Sign-in flood.
    if (selected(cfg, 'better-auth/sign-in')) {
      const probe = async () => {
        const ok = await signIn();
        expect(ok.status === 200 && sessionCookie(ok), `sign-in got ${ok.status} ${ok.text}`);
        const bad = await signIn('wrong password, surely');
        expect(bad.status === 401, `sign-in with a wrong password got ${bad.status}`);
      };
      cases.push(
        await loginFloodCase(plans, cfg, proc, 'better-auth/sign-in', `${base}/sign-in/email`, email, probe),
      );
    }
    return { cpus, cases };
  } finally {
    await proc?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main

async function main() {
  const cfg = settings();
  if (!existsSync(TESSERA_MAIN)) throw new Error(`${TESSERA_MAIN} is missing: run npm run build first`);
  const { plans, started, machine, runtime, builds, meta: resultsMeta } = startLoadRun(['jwt', 'server']);
  const serverRequire = createRequire(createRequire(import.meta.url).resolve('@tessera/server'));
  const versions = {
    autocannon: packageVersion('autocannon', BENCH_DIR),
    '@tessera/server': packageVersion('@tessera/server', BENCH_DIR),
    fastify: packageVersion('fastify', BENCH_DIR),
    argon2: JSON.parse(readFileSync(serverRequire.resolve('argon2/package.json'), 'utf8')).version,
    'better-sqlite3': packageVersion('better-sqlite3', BENCH_DIR),
    'better-auth': packageVersion('better-auth', BENCH_DIR),
  };
  const { defaultConfig } = await import('@tessera/server');
  const argon2Params = defaultConfig().argon2;
  const build = builds.server.dist;

  log(describeEnvironment(machine, runtime));
  log(
    `servers on CPU ${plans.server.pinned ? plans.server.cpu : '(not pinned)'}, load on CPU ${plans.client.pinned ? plans.client.cpu : '(not pinned)'}; ` +
      `${cfg.connections} connections, ${cfg.duration} s runs x ${cfg.runs}, warm-up ${cfg.warmup} s; ` +
      `load average ${machine.loadavg.map((l) => l.toFixed(2)).join(' ')}; tessera dist built ${build}`,
  );

  const out = { raw: null, tessera: null, betterAuth: null, redis: null };
  if (cfg.redis) {
    // The SQLite refresh row of the same run, then the Redis cases.
    if (!redisInstalled()) throw new Error('--redis needs redis-server, redis-cli and redis-benchmark');
    versions.redis = redisVersion();
    if (selected(cfg, 'tessera/refresh')) {
      out.tessera = await benchTessera(plans, { ...cfg, filters: [/^tessera\/refresh$/] }, argon2Params);
    }
    out.redis = await benchRedis({
      plans,
      cfg,
      log,
      expect,
      fmtRun,
      selected,
      startTessera,
      issuer: ISSUER,
    });
  } else {
    if (cfg.servers.includes('tessera')) {
      out.tessera = await benchTessera(plans, cfg, argon2Params);
      out.raw = out.tessera.raw ?? null;
    }
    if (cfg.servers.includes('better-auth')) out.betterAuth = await benchBetterAuth(plans, cfg);
  }

  const meta = resultsMeta(cfg, { versions, argon2Params, tesseraBuild: build });

  const md = cfg.redis
    ? `${reportMarkdown(out, meta)}\n${redisReportMarkdown(out, meta)}`
    : reportMarkdown(out, meta);
  log(`\n${md}`);
  const files = writeResults(cfg.redis ? 'server-redis' : 'server', { meta, ...out }, md, started);
  log(`\nresults: ${files.json}, ${files.md}`);
}

await main();
