// Several processes on one SQLite file, as several `tessera serve` processes would be: each child
// opens its own connection and they all race to rotate the same refresh token. This file is also
// the child's code: with TESSERA_STORE_CHILD set it runs one racer instead of registering tests.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { addSession, addUser, GRACE_MS, successorFor, T0, tally } from '../src/store/conformance/support.js';
import { createSqlStore } from '../src/store/index.js';

interface Job {
  filename: string;
  hash: string;
  attempts: number;
}

type Outcome = { status: string; sealed?: string; mine?: string } | { error: string };

const CHILDREN = 6;
const ATTEMPTS = 5;

/** The child: open the store, say ready, wait for "go" on stdin, race, print the outcomes. */
async function child(job: Job): Promise<void> {
  const store = await createSqlStore({ dialect: 'sqlite', filename: job.filename, migrate: false });
  try {
    const lines = createInterface({ input: process.stdin });
    process.stdout.write('ready\n');
    await once(lines, 'line');
    lines.close();
    const outcomes = await Promise.all(
      Array.from({ length: job.attempts }, async (): Promise<Outcome> => {
        const successor = successorFor(T0 + 1, job.hash);
        try {
          const r = await store.sessions.rotateRefreshToken({
            hash: job.hash,
            successor,
            now: T0 + 1,
            graceMs: GRACE_MS,
          });
          return r.status === 'grace'
            ? { status: r.status, sealed: r.successorSealed }
            : { status: r.status, mine: successor.sealed };
        } catch (error) {
          return { error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    process.stdout.write(`${JSON.stringify(outcomes)}\n`);
  } finally {
    await store.close();
  }
}

function startChild(job: Job) {
  const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, TESSERA_STORE_CHILD: JSON.stringify(job) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proc.stdout });
  const output: string[] = [];
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  lines.on('line', (line) => (line === 'ready' ? onReady() : output.push(line)));
  const exited = once(proc, 'exit').then(([code]) => {
    if (code !== 0) throw new Error(`child exited with ${code}`);
    return JSON.parse(output.join('')) as Outcome[];
  });
  return { proc, ready: Promise.race([ready, exited.then(() => {})]), exited };
}

const childJob = process.env.TESSERA_STORE_CHILD;
if (childJob !== undefined) {
  await child(JSON.parse(childJob) as Job);
} else {
  it('lets exactly one of many processes on one SQLite file rotate a token', {
    timeout: 60_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-store-processes-'));
    const filename = join(dir, 'tessera.db');
    try {
      const store = await createSqlStore({ dialect: 'sqlite', filename });
      const { hash } = await addSession(store, await addUser(store));
      await store.close();

      const children = Array.from({ length: CHILDREN }, () =>
        startChild({ filename, hash, attempts: ATTEMPTS }),
      );
      await Promise.all(children.map((c) => c.ready));
      for (const c of children) c.proc.stdin.end('go\n');
      const outcomes = (await Promise.all(children.map((c) => c.exited))).flat();

      assert.deepEqual(
        outcomes.filter((o) => 'error' in o),
        [],
      );
      assert.deepEqual(tally(outcomes as { status: string }[]), {
        rotated: 1,
        grace: CHILDREN * ATTEMPTS - 1,
      });
      const winner = outcomes.find((o) => 'status' in o && o.status === 'rotated');
      assert.ok(winner !== undefined && 'mine' in winner);
      for (const o of outcomes) if ('sealed' in o) assert.equal(o.sealed, winner.mine);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
