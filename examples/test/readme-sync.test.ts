// The READMEs' code blocks are the files under examples/ (which run-examples.test.ts runs):
// scripts/check-readme-examples.mjs compares them.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT, run } from './support.js';

const CHECKER = join(REPO_ROOT, 'scripts', 'check-readme-examples.mjs');

test('every js/ts block and every curl flow of the READMEs is its examples/ file', async () => {
  const result = await run(process.execPath, [CHECKER]);
  assert.equal(result.code, 0, result.stderr);
});

test('the check fails on a block that drifted from its file, and on a block without a file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-readme-'));
  try {
    const readme = (await readFile(join(REPO_ROOT, 'packages', 'guard', 'README.md'), 'utf8')).replace(
      'const auth = authOf(req);',
      'const auth = req.auth;',
    );
    await writeFile(join(dir, 'drifted.md'), readme);
    await writeFile(
      join(dir, 'unmarked.md'),
      '# x\n\n```ts\nconsole.log(1);\n```\n\n```sh\ncurl -s $API\n```\n',
    );
    const drifted = await run(process.execPath, [CHECKER, join(dir, 'drifted.md')]);
    assert.equal(drifted.code, 1);
    assert.match(drifted.stderr, /drifted\.md:\d+: the block differs from examples\/guard-express\.ts/);
    const unmarked = await run(process.execPath, [CHECKER, join(dir, 'unmarked.md')]);
    assert.equal(unmarked.code, 1);
    assert.match(unmarked.stderr, /unmarked\.md:3: a ```ts block without/);
    assert.match(unmarked.stderr, /unmarked\.md:7: a ```sh block without/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
