// The browser bundles of @tessera/client stay within their budgets: esbuild, minified, gzip -9, as
// benchmarks/src/size/run.mjs measures them beside the peers (see benchmarks/README.md). DPoP is a
// subpath of its own, so the main entry stays under 4 KiB for the apps that do not use it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const BUDGET_BYTES = 4096;
/** `@tessera/client/dpop` on its own: apps that want DPoP add it to the main entry. */
const DPOP_BUDGET_BYTES = 2048;

async function measure(entry: string) {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`../src/${entry}`, import.meta.url))],
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
  // Every input is a file of the package itself: no runtime dependency slipped in.
  for (const input of Object.keys(result.metafile.inputs))
    assert.match(input, /(^|\/)client\/src\/[\w-]+\.ts$/);
  return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
}

test(`the whole entry point is at most ${BUDGET_BYTES} bytes minified and gzipped, and imports nothing`, async () => {
  const gzip = await measure('index.ts');
  assert.ok(gzip <= BUDGET_BYTES, `${gzip} bytes gzip, budget ${BUDGET_BYTES}`);
});

test(`@tessera/client/dpop is at most ${DPOP_BUDGET_BYTES} bytes minified and gzipped, and imports nothing`, async () => {
  const gzip = await measure('dpop.ts');
  assert.ok(gzip <= DPOP_BUDGET_BYTES, `${gzip} bytes gzip, budget ${DPOP_BUDGET_BYTES}`);
});
