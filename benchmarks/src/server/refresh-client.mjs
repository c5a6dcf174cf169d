// Load generator for refresh-token rotation (autocannon cannot feed a response's
// refresh_token into the next request). Each of N chains keeps exactly one
// request in flight on a keep-alive connection (http.Agent, maxSockets N):
// POST /auth/refresh with its current token, then continues with the new one.
// Latency of every request is taken with process.hrtime.bigint().
//
//   node refresh-client.mjs '{"port":3000,"tokensFile":"…","warmup":3,"duration":10,"runs":3,"serverPid":123}'
//
// Several servers: `ports` (chain i talks to ports[i % n]) and `serverPids` (their CPU is
// summed). With `redisPort`, each run also records Redis's CPU (INFO cpu delta) and the commands
// it ran (INFO commandstats delta).
//
// tokensFile holds a JSON array of refresh tokens (one chain each); the chains'
// last tokens are written back to it at the end. Prints one JSON line.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { promisify } from 'node:util';
import { latencySummary } from '../lib/latency.mjs';
import { cpuTimeMs } from '../lib/proc-stat.mjs';
import { parseInfo, redisCpuSeconds } from '../lib/redis.mjs';

const spec = JSON.parse(process.argv[2]);
const tokens = JSON.parse(readFileSync(spec.tokensFile, 'utf8'));
const agent = new Agent({ keepAlive: true, maxSockets: tokens.length, maxFreeSockets: tokens.length });
const path = spec.path ?? '/auth/refresh';
const ports = spec.ports ?? [spec.port];
const serverPids = spec.serverPids ?? [spec.serverPid];
const run = promisify(execFile);

/** Summed CPU ms of the servers, or null when one cannot be read. */
function serversCpuMs() {
  let sum = 0;
  for (const pid of serverPids) {
    const ms = cpuTimeMs(pid);
    if (ms === null) return null;
    sum += ms;
  }
  return sum;
}

/** Redis CPU seconds and total commands so far (INFO cpu, INFO commandstats). */
async function redisCounters() {
  if (spec.redisPort === undefined) return null;
  const { stdout } = await run('redis-cli', ['-p', String(spec.redisPort), 'info', 'all']);
  const info = parseInfo(stdout);
  let commands = 0;
  let scripts = 0;
  for (const [name, value] of Object.entries(info)) {
    if (!name.startsWith('cmdstat_')) continue;
    const calls = Number(/calls=(\d+)/.exec(String(value))?.[1] ?? 0);
    commands += calls;
    if (name === 'cmdstat_evalsha' || name === 'cmdstat_eval') scripts += calls;
  }
  return { cpuSeconds: redisCpuSeconds(info), commands, scripts };
}

function refresh(token, port) {
  const body = `{"refresh_token":"${token}"}`;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// Phase state shared by the chains.
let recording = false;
let stopping = false;
let latencies = [];
let completed = 0;
let errors = 0;
const errorSamples = [];

async function chain(i) {
  let token = tokens[i];
  const port = ports[i % ports.length];
  while (!stopping) {
    const t0 = process.hrtime.bigint();
    let ok = false;
    let detail;
    try {
      const res = await refresh(token, port);
      const t1 = process.hrtime.bigint();
      if (res.status === 200) {
        const json = JSON.parse(res.text);
        if (typeof json.refresh_token === 'string' && json.refresh_token !== token && json.access_token) {
          ok = true;
          token = json.refresh_token;
          if (recording) {
            latencies.push(Number(t1 - t0) / 1e6);
            completed++;
          }
        } else detail = `200 without a new refresh token: ${res.text.slice(0, 200)}`;
      } else detail = `${res.status} ${res.text.slice(0, 200)}`;
    } catch (err) {
      detail = err.message;
    }
    if (!ok) {
      // A broken chain cannot go on (its token may be spent): count it and stop this chain.
      errors++;
      if (errorSamples.length < 5) errorSamples.push(`chain ${i}: ${detail}`);
      tokens[i] = null;
      return;
    }
    tokens[i] = token;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const running = tokens.map((_, i) => chain(i));
const runs = [];
await sleep(spec.warmup * 1000);
for (let r = 0; r < spec.runs; r++) {
  latencies = [];
  completed = 0;
  const errors0 = errors;
  const redis0 = await redisCounters();
  const cpu0 = serversCpuMs();
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  recording = true;
  await sleep(spec.duration * 1000);
  recording = false;
  const wallMs = performance.now() - t0;
  const cpu1 = serversCpuMs();
  const client = process.cpuUsage(client0);
  const redis1 = await redisCounters();
  const redisCpuMs = redis0 === null ? null : (redis1.cpuSeconds - redis0.cpuSeconds) * 1000;
  const serverCpuMs = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
  runs.push({
    rotations: completed,
    wallMs,
    perSec: completed / (wallMs / 1000),
    latency: latencySummary(latencies),
    errors: errors - errors0,
    serverCpuMs,
    cpuUsPerReq: serverCpuMs === null || completed === 0 ? null : (serverCpuMs * 1000) / completed,
    serverCpuUse: serverCpuMs === null ? null : serverCpuMs / wallMs,
    clientCpuUse: (client.user + client.system) / 1000 / wallMs,
    ...(redis0 === null
      ? {}
      : {
          redisCpuMs,
          redisCpuUsPerReq: completed === 0 ? null : (redisCpuMs * 1000) / completed,
          redisCpuUse: redisCpuMs / wallMs,
          // The INFO call itself counts one command.
          redisCommandsPerReq: completed === 0 ? null : (redis1.commands - redis0.commands - 1) / completed,
          redisScriptsPerReq: completed === 0 ? null : (redis1.scripts - redis0.scripts) / completed,
        }),
  });
}
stopping = true;
await Promise.all(running);
agent.destroy();
writeFileSync(spec.tokensFile, JSON.stringify(tokens));
process.stdout.write(
  `${JSON.stringify({ chains: tokens.length, brokenChains: tokens.filter((t) => t === null).length, errors, errorSamples, runs })}\n`,
);
