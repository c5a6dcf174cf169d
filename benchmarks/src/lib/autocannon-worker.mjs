// One autocannon run in its own process (the load generator, pinned to another
// CPU than the server). argv[2] is a JSON spec; prints one JSON line with the
// summary. The server's CPU time (/proc/<pid>/stat) is read right before the
// load starts and right after it ends.
import autocannon from 'autocannon';
import { cpuTimeMs } from './proc-stat.mjs';

const spec = JSON.parse(process.argv[2]);

const opts = {
  url: spec.url,
  connections: spec.connections,
  duration: spec.duration,
  pipelining: spec.pipelining ?? 1,
  method: spec.method ?? 'GET',
  headers: spec.headers ?? {},
  timeout: spec.timeout ?? 10,
};
if (spec.body !== undefined) opts.body = spec.body;

// DPoP (spec.dpop = { privateJwk, alg, htm, htu, accessToken?, count }): every request needs a
// proof of its own (a fresh jti; the server refuses a replay). They are made here before the
// clock starts, so their signing costs the measured run nothing; past `count`, more are made on
// the fly.
if (spec.dpop !== undefined) {
  const { createDpopProof, importJwk } = await import('@tessera/jwt');
  const d = spec.dpop;
  const key = importJwk(d.privateJwk, { alg: d.alg });
  const make = () =>
    createDpopProof(key, {
      htm: d.htm,
      htu: d.htu,
      ...(d.accessToken === undefined ? {} : { accessToken: d.accessToken }),
    });
  const proofs = Array.from({ length: d.count }, make);
  let next = 0;
  const headers = opts.headers;
  opts.requests = [
    {
      setupRequest(req) {
        req.headers = { ...headers, dpop: next < proofs.length ? proofs[next++] : make() };
        if (spec.body !== undefined) req.body = spec.body;
        return req;
      },
    },
  ];
}

const cpu0 = spec.serverPid ? cpuTimeMs(spec.serverPid) : null;
const client0 = process.cpuUsage();
const t0 = performance.now();
// Per second: responses completed and the server's CPU time so far (for a steady-state window).
const ticks = [];
const instance = autocannon(opts);
instance.on('tick', ({ counter }) => {
  ticks.push({
    atMs: performance.now() - t0,
    responses: counter,
    serverCpuMs: spec.serverPid ? cpuTimeMs(spec.serverPid) : null,
  });
});
const result = await instance;
const wallMs = performance.now() - t0;
const cpu1 = spec.serverPid ? cpuTimeMs(spec.serverPid) : null;
const client = process.cpuUsage(client0);

const lat = result.latency;
const summary = {
  reqPerSec: result.requests.average,
  reqPerSecStddev: result.requests.stddev,
  requestsTotal: result.requests.total,
  requestsSent: result.requests.sent,
  duration: result.duration,
  latency: { mean: lat.average, p50: lat.p50, p90: lat.p90, p99: lat.p99, p999: lat.p99_9, max: lat.max },
  status2xx: result['2xx'],
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  resets: result.resets,
  statusCodeStats: result.statusCodeStats,
  wallMs,
  serverCpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
  clientCpuMs: (client.user + client.system) / 1000,
  serverCpuStartMs: cpu0,
  ticks,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
