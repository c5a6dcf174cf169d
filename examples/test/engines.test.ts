// `engines` is a promise to users: every package of ours declares the same Node range, and every
// package `npm ci` installs (package-lock.json) accepts the oldest Node that range admits, so npm
// prints no EBADENGINE warning there. CI runs on a Node inside the range.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import semver from 'semver';
import { REPO_ROOT } from './support.js';

interface Manifest {
  engines?: { node?: string };
  workspaces?: string[];
}
interface Lock {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
}

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

test('the root and every workspace declare one Node range, which this Node satisfies', async () => {
  const root = await readJson<Manifest>(join(REPO_ROOT, 'package.json'));
  const range = root.engines?.node;
  assert.ok(range !== undefined && semver.validRange(range) !== null, 'the root has engines.node');
  for (const workspace of root.workspaces ?? []) {
    const manifest = await readJson<Manifest>(join(REPO_ROOT, workspace, 'package.json'));
    assert.equal(manifest.engines?.node, range, `${workspace}/package.json engines.node`);
  }
  assert.ok(
    semver.satisfies(process.versions.node, range),
    `Node ${process.versions.node} is outside ${range}`,
  );
});

test('every locked dependency accepts the oldest Node of our range', async () => {
  const root = await readJson<Manifest>(join(REPO_ROOT, 'package.json'));
  const floor = semver.minVersion(root.engines?.node ?? '');
  assert.ok(floor !== null);
  const lock = await readJson<Lock>(join(REPO_ROOT, 'package-lock.json'));
  const refusing = Object.entries(lock.packages)
    .filter(([, entry]) => {
      const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      return node !== undefined && !semver.satisfies(floor, node, { includePrerelease: true });
    })
    .map(([path, entry]) => `${path}@${entry.version}`);
  assert.deepEqual(refusing, [], `these want a newer Node than ${floor.version}`);
});
