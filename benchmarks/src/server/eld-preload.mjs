// Preloaded into a server under test (`node --import <this file> …`): measures
// the event-loop delay from inside the server with
// perf_hooks.monitorEventLoopDelay({ resolution: 1 }).
//
// The monitor starts disabled: its 1 ms timer wakes the main thread 1000 times a
// second, which on one core takes CPU from the argon2/scrypt thread (about 7% of
// the login rate here), so throughput is measured with it off. Control: write a
// command to `$BENCH_ELD_FILE.cmd`, then send SIGUSR2:
//   enable    reset the histogram and start measuring
//   snapshot  write the histogram since the last enable/snapshot, then reset it
//   disable   write it like snapshot, then stop measuring
// Snapshots go to $BENCH_ELD_FILE as JSON (ms) with a sequence number. Without
// BENCH_ELD_FILE this file does nothing.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.BENCH_ELD_FILE;
if (file) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  let seq = 0;
  let since = Date.now();
  let enabled = false;

  const write = (command) => {
    const ms = (ns) => ns / 1e6;
    const now = Date.now();
    const snapshot = {
      seq,
      command,
      enabled,
      fromMs: since,
      toMs: now,
      count: h.count,
      min: ms(h.min),
      mean: ms(h.mean),
      stddev: ms(h.stddev),
      p50: ms(h.percentile(50)),
      p90: ms(h.percentile(90)),
      p99: ms(h.percentile(99)),
      p999: ms(h.percentile(99.9)),
      max: ms(h.max),
    };
    h.reset();
    since = now;
    writeFileSync(`${file}.tmp`, JSON.stringify(snapshot));
    renameSync(`${file}.tmp`, file);
  };

  process.on('SIGUSR2', () => {
    seq++;
    const command = existsSync(`${file}.cmd`) ? readFileSync(`${file}.cmd`, 'utf8').trim() : 'snapshot';
    if (command === 'enable') {
      h.reset();
      if (!enabled) h.enable();
      enabled = true;
      since = Date.now();
      write(command);
    } else if (command === 'disable') {
      write(command);
      if (enabled) h.disable();
      enabled = false;
    } else {
      write(command);
    }
  });
}
