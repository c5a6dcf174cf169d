// The browser bundle of @tessera/client stays within its budget: esbuild, minified, gzip -9, as
// benchmarks/src/size/run.mjs measures it beside the peers (see benchmarks/README.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const BUDGET_BYTES = 4096;

test(`the whole entry point is at most ${BUDGET_BYTES} bytes minified and gzipped, and imports nothing`, async () => {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    legalComments: 'none',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  const gzip = gzipSync(code, { level: 9 }).length;
  assert.ok(gzip <= BUDGET_BYTES, `${gzip} bytes gzip, budget ${BUDGET_BYTES}`);
  // Every input is a file of the package itself: no runtime dependency slipped in.
  for (const input of Object.keys(result.metafile.inputs))
    assert.match(input, /(^|\/)client\/src\/[\w-]+\.ts$/);
});
