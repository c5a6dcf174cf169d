#!/usr/bin/env node
// Builds the console into the server package (packages/server/console-dist), which serves it at /:
// index.html (no inline script or style: the CSP forbids them) and hashed assets under assets/.
// The server then needs no other package at run time, and its tarball carries the console.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('..', import.meta.url));
const out = fileURLToPath(new URL('../../server/console-dist/', import.meta.url));
const assets = join(out, 'assets');

const hashed = (name, body) => {
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 10).replace(/[-_]/g, 'x');
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}-${hash}${name.slice(dot)}`;
};

const result = await build({
  entryPoints: { app: join(here, 'src/main.tsx'), style: join(here, 'src/style.css') },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  legalComments: 'none',
  write: false,
  outdir: 'out',
  logLevel: 'warning',
});

await rm(out, { recursive: true, force: true });
await mkdir(assets, { recursive: true });
const names = {};
for (const file of result.outputFiles) {
  const name = hashed(basename(file.path), file.contents);
  names[basename(file.path)] = name;
  await writeFile(join(assets, name), file.contents);
}
const icon = await readFile(join(here, 'src/icon.svg'));
names['icon.svg'] = hashed('icon.svg', icon);
await writeFile(join(assets, names['icon.svg']), icon);

const index = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="tessera-registration" content="%TESSERA_REGISTRATION%">
<title>Tessera console</title>
<link rel="icon" href="/assets/${names['icon.svg']}" type="image/svg+xml">
<link rel="stylesheet" href="/assets/${names['style.css']}">
<script type="module" src="/assets/${names['app.js']}"></script>
</head>
<body>
<div id="app"><noscript>The Tessera console needs JavaScript.</noscript></div>
</body>
</html>
`;
await writeFile(join(out, 'index.html'), index);
console.log(`console: ${Object.values(names).join(', ')} -> ${out}`);
