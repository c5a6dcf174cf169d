// Tables and target lines of `npm run bench:server`.
import { fmtOps, fmtRatio, markdownTable } from '../lib/format.mjs';
import { describeEnvironment, dirtyNote } from '../lib/machine.mjs';
import { median } from '../lib/stats.mjs';

export const TARGETS = {
  refreshPerSec: 3000,
  keycloakPerVcpu: 120,
  loginVsRaw: 0.9,
  eldP99Ms: 10,
};

/** Peers' published per-core figures for the OAuth cases (benchmarks/README.md says where from). */
export const OAUTH_ANCHORS = {
  keycloakGrantsPerVcpu: 120,
  hydraGrantsPerCore: 257,
  hydraIntrospectionsPerCore: 2550,
};

const LABELS = {
  'tessera/refresh': 'refresh rotation, POST /auth/refresh',
  'tessera/login': 'login, POST /auth/login',
  'tessera/me': 'GET /auth/me (Bearer)',
  'tessera/jwks': 'GET /.well-known/jwks.json',
  'tessera/client-credentials': 'client_credentials grant, POST /oauth/token',
  'tessera/client-credentials-dpop': 'client_credentials grant with a DPoP proof (ES256), POST /oauth/token',
  'tessera/introspect': 'introspection, POST /oauth/introspect',
  'better-auth/sign-in': 'sign-in, POST /api/auth/sign-in/email',
  'better-auth/token': 'GET /api/auth/token (cookie)',
  'better-auth/get-session': 'GET /api/auth/get-session (cookie)',
  'better-auth/jwks': 'GET /api/auth/jwks',
};

/** Medians over runs; refresh-client runs have exact latencies, autocannon runs whole ms. */
export function summarize(c) {
  const runs = c.runs;
  const pick = (f) => median(runs.map(f).filter((v) => v !== null && v !== undefined));
  const s = {
    name: c.name,
    label: LABELS[c.name] ?? c.name,
    n: runs.length,
    perSec: pick((r) => r.perSec ?? r.reqPerSec),
    p50: pick((r) => r.latency.p50),
    p99: pick((r) => r.latency.p99),
    cpuUsPerReq: pick((r) => r.cpuUsPerReq),
    serverCpuUse: pick((r) => r.serverCpuUse),
    clientCpuUse: pick((r) => r.clientCpuUse),
    failures:
      c.kind === 'refresh-client' ? c.errors : runs.reduce((a, r) => a + r.non2xx + r.errors + r.timeouts, 0),
  };
  const eldRuns = c.eldRuns ?? [];
  if (eldRuns.length > 0) {
    s.eld = {
      n: eldRuns.length,
      p50: median(eldRuns.map((r) => r.eld.p50)),
      p99: median(eldRuns.map((r) => r.eld.p99)),
      p99Worst: Math.max(...eldRuns.map((r) => r.eld.p99)),
      max: Math.max(...eldRuns.map((r) => r.eld.max)),
      perSec: median(eldRuns.map((r) => r.reqPerSec)),
      failures: eldRuns.reduce((a, r) => a + r.non2xx + r.errors + r.timeouts, 0),
    };
  }
  return s;
}

const ms = (x) =>
  x === null || x === undefined || Number.isNaN(x)
    ? '–'
    : x >= 100
      ? x.toFixed(0)
      : x >= 10
        ? x.toFixed(1)
        : x.toFixed(2);
const pct = (x) => (x === null || x === undefined || Number.isNaN(x) ? '–' : `${Math.round(x * 100)}%`);
const rate = (x) => (x >= 100 ? fmtOps(x) : x.toFixed(1));

function casesTable(summaries) {
  return markdownTable(
    [
      'case',
      'per second (median)',
      'p50 ms',
      'p99 ms',
      'server CPU µs/op',
      'server CPU',
      'client CPU',
      'runs',
      'errors',
    ],
    summaries.map((s) => [
      s.label,
      rate(s.perSec),
      ms(s.p50),
      ms(s.p99),
      s.cpuUsPerReq === null || Number.isNaN(s.cpuUsPerReq) ? '–' : fmtOps(s.cpuUsPerReq),
      pct(s.serverCpuUse),
      pct(s.clientCpuUse),
      String(s.n),
      String(s.failures),
    ]),
  );
}

export function reportMarkdown(out, meta) {
  const set = meta.settings;
  const a = meta.argon2Params;
  const lines = [
    `# Auth server (npm run bench:server), ${meta.started}`,
    '',
    `${describeEnvironment(meta.machine, meta.runtime)}; load average at start ${meta.machine.loadavg
      .map((l) => l.toFixed(2))
      .join(' ')}, at end ${meta.loadavgEnd.map((l) => l.toFixed(2)).join(' ')}.`,
    `Servers pinned to CPU ${meta.pinning.server.cpu ?? '–'}, load generators pinned to CPU ${meta.pinning.client.cpu ?? '–'}; ` +
      `${set.connections} connections, ${set.warmup} s warm-up discarded, ${set.runs} run(s) of ${set.duration} s; figures are medians over runs. ` +
      `argon2id m=${a.memoryCost} t=${a.timeCost} p=${a.parallelism}. packages/server/dist built ${meta.tesseraBuild}, packages/jwt/dist ${meta.builds?.jwt?.dist}; git ${meta.git?.commit?.slice(0, 7)}${dirtyNote(meta.git)}.`,
    `Versions: ${Object.entries(meta.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    ...(meta.warnings.length ? ['', ...meta.warnings.map((w) => `Warning: ${w}`)] : []),
  ];
  const tessera = (out.tessera?.cases ?? []).map(summarize);
  const peer = (out.betterAuth?.cases ?? []).map(summarize);
  const get = (list, name) => list.find((s) => s.name === name);

  const floodNote =
    `Login and sign-in floods: ${set.floodDuration} s runs; their rate and server CPU are taken from second ${set.floodSkip} on ` +
    '(steady state: a response waits for the queue of requests ahead of it), latency over the whole run.';
  if (tessera.length) {
    lines.push('', '## Tessera (SQLite, one core)', '', casesTable(tessera), '', floodNote);
  }
  if (peer.length) {
    lines.push('', '## better-auth (SQLite, jwt plugin, one core)', '', casesTable(peer), '', floodNote);
  }

  const login = get(tessera, 'tessera/login');
  const signIn = get(peer, 'better-auth/sign-in');
  if (out.raw) {
    const rows = out.raw.results.map((r) => [
      `raw argon2id verify, ${r.concurrency} in flight`,
      `${rate(r.perSec)} (${rate(r.before)} / ${rate(r.after)})`,
      (1000 / r.perSec).toFixed(1),
      login ? fmtRatio(login.perSec / r.perSec) : '–',
    ]);
    lines.push(
      '',
      `## Logins against raw argon2id (same parameters, same single core; availableParallelism() there = ${out.raw.availableParallelism})`,
      '',
      markdownTable(
        ['', 'per second (before / after the flood)', 'ms each', 'Tessera logins/s ÷ this'],
        rows,
      ),
    );
  }
  if (login?.eld || signIn?.eld) {
    const row = (label, x) => [
      label,
      ms(x.eld.p50),
      ms(x.eld.p99),
      ms(x.eld.p99Worst),
      ms(x.eld.max),
      `${rate(x.eld.perSec)} (${rate(x.perSec)})`,
      String(x.eld.n),
    ];
    const rows = [];
    if (login?.eld) rows.push(row('Tessera, login flood', login));
    if (signIn?.eld) rows.push(row('better-auth, sign-in flood', signIn));
    lines.push(
      '',
      `## Event-loop delay inside the server during the flood (${set.connections} connections; monitorEventLoopDelay, resolution 1 ms)`,
      '',
      markdownTable(
        [
          'server',
          'p50 ms',
          'p99 ms (median run)',
          'p99 ms (worst run)',
          'max ms',
          'per second with the monitor on (off)',
          'runs',
        ],
        rows,
      ),
    );
  }

  const pairs = [
    ['tessera/refresh', 'better-auth/token', 'refresh rotation vs GET /api/auth/token'],
    ['tessera/login', 'better-auth/sign-in', 'login vs sign-in'],
    ['tessera/me', 'better-auth/get-session', 'GET /auth/me vs GET /api/auth/get-session'],
    ['tessera/jwks', 'better-auth/jwks', 'JWKS vs JWKS'],
  ];
  const cmp = [];
  for (const [t, p, label] of pairs) {
    const ts = get(tessera, t);
    const ps = get(peer, p);
    if (!ts || !ps) continue;
    const ratio = ps.perSec > 0 ? fmtRatio(ts.perSec / ps.perSec) : '–';
    cmp.push([label, rate(ts.perSec), ms(ts.p99), rate(ps.perSec), ms(ps.p99), ratio]);
  }
  if (cmp.length) {
    lines.push(
      '',
      '## Tessera against better-auth (per second, medians)',
      '',
      markdownTable(
        [
          'case',
          'Tessera /s',
          'Tessera p99 ms',
          'better-auth /s',
          'better-auth p99 ms',
          'Tessera ÷ better-auth',
        ],
        cmp,
      ),
    );
  }

  const grants = get(tessera, 'tessera/client-credentials');
  const dpopGrants = get(tessera, 'tessera/client-credentials-dpop');
  const introspections = get(tessera, 'tessera/introspect');
  if (grants || introspections) {
    const a = OAUTH_ANCHORS;
    const rows = [];
    if (grants) {
      rows.push(
        [
          grants.label,
          rate(grants.perSec),
          ms(grants.p99),
          'Keycloak sizing guide, per vCPU',
          rate(a.keycloakGrantsPerVcpu),
          fmtRatio(grants.perSec / a.keycloakGrantsPerVcpu),
        ],
        [
          grants.label,
          rate(grants.perSec),
          ms(grants.p99),
          'Ory Hydra published run, per core',
          rate(a.hydraGrantsPerCore),
          fmtRatio(grants.perSec / a.hydraGrantsPerCore),
        ],
      );
    }
    if (dpopGrants) {
      rows.push([
        dpopGrants.label,
        rate(dpopGrants.perSec),
        ms(dpopGrants.p99),
        'Ory Hydra published run, per core (Bearer)',
        rate(a.hydraGrantsPerCore),
        fmtRatio(dpopGrants.perSec / a.hydraGrantsPerCore),
      ]);
    }
    if (introspections) {
      rows.push([
        introspections.label,
        rate(introspections.perSec),
        ms(introspections.p99),
        'Ory Hydra published run, per core',
        rate(a.hydraIntrospectionsPerCore),
        fmtRatio(introspections.perSec / a.hydraIntrospectionsPerCore),
      ]);
    }
    lines.push(
      '',
      "## OAuth on one core, beside the peers' published per-core figures (not measured here)",
      '',
      markdownTable(
        ['case', 'Tessera /s', 'Tessera p99 ms', 'peer figure', 'peer /s', 'Tessera ÷ peer'],
        rows,
      ),
    );
  }

  const targets = [];
  const refresh = get(tessera, 'tessera/refresh');
  if (refresh) {
    const pass = refresh.perSec >= TARGETS.refreshPerSec && refresh.failures === 0;
    targets.push(
      `- **${pass ? 'PASS' : 'MISS'}** refresh rotations >= ${fmtOps(TARGETS.refreshPerSec)}/s at ${set.connections} connections on SQLite, 0 errors — ` +
        `${fmtOps(refresh.perSec)}/s, p99 ${ms(refresh.p99)} ms, ${refresh.failures} errors ` +
        `(${fmtRatio(refresh.perSec / TARGETS.keycloakPerVcpu)} Keycloak's sizing figure of ${TARGETS.keycloakPerVcpu}/s per vCPU)`,
    );
  }
  if (login && out.raw) {
    const c = Math.max(1, out.raw.availableParallelism);
    const raw = out.raw.results.find((r) => r.concurrency === c) ?? out.raw.results[0];
    const best = Math.max(...out.raw.results.map((r) => r.perSec));
    const ratio = login.perSec / raw.perSec;
    targets.push(
      `- **${ratio >= TARGETS.loginVsRaw && login.failures === 0 ? 'PASS' : 'MISS'}** logins/s >= ${TARGETS.loginVsRaw.toFixed(2)}x raw argon2id verify/s ` +
        `(same parameters, ${raw.concurrency} in flight as the server hashes) — ${fmtRatio(ratio)} (${rate(login.perSec)} vs ${rate(raw.perSec)}/s; ` +
        `against the best raw rate, ${rate(best)}/s: ${fmtRatio(login.perSec / best)})`,
    );
  }
  if (login?.eld) {
    const pass = login.eld.p99Worst < TARGETS.eldP99Ms;
    targets.push(
      `- **${pass ? 'PASS' : 'MISS'}** event-loop delay p99 < ${TARGETS.eldP99Ms} ms during the login flood — ` +
        `worst run ${ms(login.eld.p99Worst)} ms (median run ${ms(login.eld.p99)} ms, max ${ms(login.eld.max)} ms)`,
    );
  }
  if (targets.length) lines.push('', '## Targets', '', ...targets);
  return lines.join('\n');
}
