#!/usr/bin/env node
// Browser bundle size of @tessera/client beside the auth clients people would pick instead,
// measured the same way: esbuild bundles an entry that imports the library, minified, for the
// browser (ESM, production), then gzip -9 (and brotli) of the result. Deterministic: the same
// installed versions give the same bytes.
// Usage: npm run bench:size [-- --json]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = new URL('.', import.meta.url).pathname;

/** What each row bundles: `all` re-exports the whole entry point, `main` only what an app calls first. */
const CASES = [
  { lib: '@tessera/client', what: 'all', code: "export * from '@tessera/client';" },
  { lib: '@tessera/client', what: 'main', code: "export { createClient } from '@tessera/client';" },
  {
    lib: '@tessera/client/dpop',
    what: 'all',
    code: "export * from '@tessera/client/dpop';",
  },
  {
    lib: '@tessera/client',
    what: 'main + dpop',
    entry: '@tessera/client + @tessera/client/dpop',
    code: "export { createClient } from '@tessera/client'; export { dpop } from '@tessera/client/dpop';",
  },
  {
    lib: '@tessera/client/axios',
    what: 'all',
    code: "export * from '@tessera/client/axios';",
    external: ['axios'],
  },
  {
    lib: '@tessera/client/graphql-ws',
    what: 'all',
    code: "export * from '@tessera/client/graphql-ws';",
    external: ['graphql-ws'],
  },
  { lib: '@auth0/auth0-spa-js', what: 'all', code: "export * from '@auth0/auth0-spa-js';" },
  {
    lib: '@auth0/auth0-spa-js',
    what: 'main',
    code: "export { createAuth0Client } from '@auth0/auth0-spa-js';",
  },
  { lib: 'supertokens-website', what: 'all', code: "export * from 'supertokens-website';" },
  { lib: 'supertokens-website', what: 'main', code: "export { default } from 'supertokens-website';" },
  {
    lib: 'better-auth',
    what: 'all',
    entry: 'better-auth/client',
    code: "export * from 'better-auth/client';",
  },
  {
    lib: 'better-auth',
    what: 'main',
    entry: 'better-auth/client',
    code: "export { createAuthClient } from 'better-auth/client';",
  },
];

/** The installed version: from node_modules beside benchmarks/, or the root's (some packages don't export package.json). */
function versionOf(lib) {
  const name = lib.startsWith('@') ? lib.split('/').slice(0, 2).join('/') : lib.split('/')[0];
  for (const dir of ['../../node_modules', '../../../node_modules']) {
    const manifest = join(here, dir, name, 'package.json');
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).version;
  }
  throw new Error(`${name} is not installed: run npm ci at the repository root`);
}

async function measure(c) {
  const result = await build({
    stdin: { contents: c.code, resolveDir: here, loader: 'js', sourcefile: 'entry.js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    define: { 'process.env.NODE_ENV': '"production"' },
    external: c.external ?? [],
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0].contents;
  return {
    library: c.entry ?? c.lib,
    version: versionOf(c.lib),
    bundles: c.what,
    minified: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const rows = [];
for (const c of CASES) rows.push(await measure(c));

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ esbuild: versionOf('esbuild'), rows }, null, 2));
} else {
  const kb = (n) => (n / 1024).toFixed(2);
  console.log(`esbuild ${versionOf('esbuild')}, minified, ESM, browser; KiB = 1024 bytes\n`);
  console.log('| library | version | bundles | minified | gzip -9 | brotli -11 |');
  console.log('|---|---|---|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.library} | ${r.version} | ${r.bundles} | ${kb(r.minified)} KiB | ${kb(r.gzip)} KiB (${r.gzip} B) | ${kb(r.brotli)} KiB |`,
    );
  }
  // The budgets packages/client/test/size.test.ts checks too.
  for (const [library, budget] of [
    ['@tessera/client', 4096],
    ['@tessera/client/dpop', 2048],
  ]) {
    const row = rows.find((r) => r.library === library && r.bundles === 'all');
    console.log(
      `${library === '@tessera/client' ? '\n' : ''}${library}, whole entry, gzip: ${row.gzip} B (budget ${budget} B): ${row.gzip <= budget ? 'OK' : 'OVER'}`,
    );
    if (row.gzip > budget) process.exitCode = 1;
  }
}
