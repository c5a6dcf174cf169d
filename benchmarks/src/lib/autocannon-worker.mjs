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
