// Load generation from a separate process pinned to the client CPU, and the
// figures derived from one run (server CPU µs per request, CPU use).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinningPlan, runNode } from './process.mjs';

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'autocannon-worker.mjs');

/**
 * Pinning of the server (BENCH_CPU, default 1) and of the load generator
 * (BENCH_CLIENT_CPU, default 0). BENCH_NO_PIN=1 pins neither.
 */
export function pinningPlans(env = process.env) {
  const server = pinningPlan(env);
  const clientCpu = env.BENCH_CLIENT_CPU ?? (server.cpu === 0 ? '1' : '0');
  const client = pinningPlan({ ...env, BENCH_CPU: clientCpu });
  if (server.pinned && client.pinned && server.cpu === client.cpu) {
    throw new Error(`the server and the load generator would share CPU ${server.cpu}: set BENCH_CLIENT_CPU`);
  }
  return { server, client };
}

/**
 * Run autocannon once from its own process. spec: { url, connections, duration,
 * pipelining, method, headers, body, serverPid, steadyAfter }. Resolves with the summary of
 * autocannon-worker.mjs plus derived figures.
 */
export async function runAutocannon(clientPlan, spec) {
  const timeoutMs = (spec.duration + 60) * 1000;
  const { code, signal, stdout, stderr } = await runNode(clientPlan, WORKER, [JSON.stringify(spec)], {
    timeoutMs,
  });
  const line = stdout.trim().split('\n').pop();
  if (code !== 0 || !line) {
    throw new Error(`autocannon exited with ${signal ?? code}: ${stderr.trim().slice(-2000)}`);
  }
  return derive(JSON.parse(line), spec.steadyAfter ?? 0);
}

/**
 * Adds cpuUsPerReq (server CPU µs per completed request) and serverCpuUse /
 * clientCpuUse (share of one core). With spec.steadyAfter (seconds), reqPerSec,
 * cpuUsPerReq and serverCpuUse come from the per-second ticks after that point
 * (the run's steady state), and the whole-run figures are kept as *Whole.
 */
export function derive(run, steadyAfter = 0) {
  const reqs = run.requestsTotal;
  const out = {
    ...run,
    cpuUsPerReq: run.serverCpuMs === null || reqs === 0 ? null : (run.serverCpuMs * 1000) / reqs,
    serverCpuUse: run.serverCpuMs === null ? null : run.serverCpuMs / run.wallMs,
    clientCpuUse: run.clientCpuMs / run.wallMs,
  };
  if (steadyAfter > 0) {
    const ticks = run.ticks ?? [];
    const first = ticks.findIndex((t) => t.atMs >= steadyAfter * 1000);
    if (first > 0 && first < ticks.length - 1) {
      const window = ticks.slice(first + 1);
      const start = ticks[first];
      const end = ticks[ticks.length - 1];
      const responses = window.reduce((a, t) => a + t.responses, 0);
      const seconds = (end.atMs - start.atMs) / 1000;
      const cpuMs =
        start.serverCpuMs === null || end.serverCpuMs === null ? null : end.serverCpuMs - start.serverCpuMs;
      Object.assign(out, {
        steady: { fromS: start.atMs / 1000, toS: end.atMs / 1000, responses, seconds, cpuMs },
        reqPerSecWhole: out.reqPerSec,
        cpuUsPerReqWhole: out.cpuUsPerReq,
        reqPerSec: responses / seconds,
        cpuUsPerReq: cpuMs === null || responses === 0 ? null : (cpuMs * 1000) / responses,
        serverCpuUse: cpuMs === null ? null : cpuMs / (seconds * 1000),
      });
    } else {
      out.steady = null;
    }
  }
  return out;
}
