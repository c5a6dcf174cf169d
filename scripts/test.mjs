#!/usr/bin/env node
// Runs every `*.test.ts` of the workspaces with node:test through tsx.
// Usage: node scripts/test.mjs [path-prefix ...]   e.g. node scripts/test.mjs packages/jwt
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = ['packages', 'examples/test'];
const skip = new Set(['node_modules', 'dist', 'data', '.tmp']);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const filters = process.argv.slice(2);
const files = roots
  .flatMap((r) => walk(join(root, r), []))
  .filter((f) => filters.length === 0 || filters.some((p) => f.startsWith(p)))
  .sort();

if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

// --test-timeout: a test that hangs fails with its name. No --test-force-exit: with concurrency,
// Node's runner then drops the verdicts of whatever a file reports last (the tail of a file went
// missing from the count in CI runs here, with exit code 0; nodejs/node#64833), so a failure
// could pass unseen. A file that leaves a handle open after its tests instead trips the
// whole-run deadline below, which names that cause.
const DEADLINE_MS = 30 * 60 * 1000;
const concurrency = Math.max(2, availableParallelism());
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-timeout=180000',
    `--test-concurrency=${concurrency}`,
    ...files,
  ],
  { cwd: root, stdio: 'inherit', timeout: DEADLINE_MS, killSignal: 'SIGKILL' },
);
if (result.error?.code === 'ETIMEDOUT') {
  console.error(
    `tests: still running after ${DEADLINE_MS / 60000} minutes: a test file probably left a handle ` +
      '(server, timer, socket) open after its tests finished; run the packages one by one to find it',
  );
  process.exit(1);
}
process.exit(result.status ?? 1);
