// The raw argon2id rate on one core: the `argon2` package the server uses (resolved
// from @tessera/server), the server's default parameters, `verify` of one hash
// with 1..N verifications in flight. Run pinned to the server's CPU, alone.
//
//   node argon2-raw.mjs '{"seconds":5,"concurrency":[1,2,4],"params":{…}}'
//
// Prints one JSON line: availableParallelism, params, and per concurrency the
// verifies/s and the mean latency.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';

const spec = JSON.parse(process.argv[2]);
const require = createRequire(import.meta.url);
const argon2 = createRequire(require.resolve('@tessera/server'))('argon2');
const password = spec.password ?? 'correct horse battery staple';
const params = { type: argon2.argon2id, ...spec.params };
const hash = await argon2.hash(password, params);
if (!(await argon2.verify(hash, password))) throw new Error('argon2.verify refused its own hash');

async function measure(concurrency, seconds) {
  let done = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      if (!(await argon2.verify(hash, password))) throw new Error('verify failed');
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - t0) / 1000;
  return { concurrency, verifies: done, seconds: elapsed, perSec: done / elapsed };
}

// Warm-up: a second at the first concurrency.
await measure(spec.concurrency[0], Math.min(1, spec.seconds));
const cpu0 = process.cpuUsage();
const results = [];
for (const c of spec.concurrency) results.push(await measure(c, spec.seconds));
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `${JSON.stringify({
    availableParallelism: availableParallelism(),
    uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
    argon2Version: require(createRequire(require.resolve('@tessera/server')).resolve('argon2/package.json'))
      .version,
    params: spec.params,
    hashPrefix: hash.slice(0, hash.lastIndexOf('$')),
    results,
    cpuMs: (cpu.user + cpu.system) / 1000,
  })}\n`,
);
