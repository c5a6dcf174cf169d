#!/usr/bin/env node
// The READMEs' code blocks are files under examples/ that CI type-checks and runs. Each such
// block follows a marker line naming its file, and must equal that file, or the part of it
// between `// #region readme` and `// #endregion readme`:
//
//   <!-- example: examples/guard-express.ts -->
//   ```ts
//   …the file…
//   ```
//
// Every js/ts block must have a marker, and so must every shell block that calls curl (those
// are meant to be pasted). Blocks without a marker are commands (npm ci, npm run bench, …).
//
// Usage: node scripts/check-readme-examples.mjs [--write] [README.md …]
//   --write  copies each marked file into its block instead of failing on a difference.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MARKER = /^<!-- example: (examples\/[\w./-]+) -->$/;
const FENCE = /^```(\w*)\s*$/;
const CODE = new Set(['js', 'javascript', 'mjs', 'ts', 'typescript']);
const SHELL = new Set(['sh', 'bash', 'shell']);
const REGION_START = /^\s*(?:\/\/|#) #region readme\s*$/;
const REGION_END = /^\s*(?:\/\/|#) #endregion readme\s*$/;

/** The README files checked by default: the root's and each package's. */
export function defaultReadmes() {
  const packages = join(ROOT, 'packages');
  const found = ['README.md'];
  for (const name of readdirSync(packages).sort()) {
    try {
      readFileSync(join(packages, name, 'README.md'));
      found.push(join('packages', name, 'README.md'));
    } catch {}
  }
  return found;
}

/** What a marker shows of its file: the region when the file has one, else the whole file. */
export function shownPart(path) {
  const lines = readFileSync(join(ROOT, path), 'utf8').replace(/\n+$/, '').split('\n');
  const start = lines.findIndex((line) => REGION_START.test(line));
  if (start === -1) return lines;
  const end = lines.findIndex((line, i) => i > start && REGION_END.test(line));
  if (end === -1) throw new Error(`${path}: #region readme without #endregion readme`);
  return lines.slice(start + 1, end);
}

/** Checks (or with write, updates) one README; returns its problems and, with write, its new text. */
export function checkReadme(readme, { write = false } = {}) {
  const problems = [];
  const lines = readFileSync(resolve(ROOT, readme), 'utf8').split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    out.push(line);
    const fence = FENCE.exec(line);
    if (!fence) continue;
    const lang = fence[1];
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    const body = lines.slice(i + 1, end);
    const marker = MARKER.exec(lines[i - 1] ?? '');
    const where = `${readme}:${i + 1}`;
    if (marker === null) {
      if (CODE.has(lang) || (SHELL.has(lang) && body.some((l) => /\bcurl\b/.test(l)))) {
        problems.push(`${where}: a \`\`\`${lang} block without a <!-- example: examples/… --> marker line`);
      }
      out.push(...body);
    } else {
      let shown;
      try {
        shown = shownPart(marker[1]);
      } catch (err) {
        problems.push(`${where}: ${marker[1]}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
        shown = body;
      }
      if (write) out.push(...shown);
      else {
        out.push(...body);
        const at = body.findIndex((l, k) => l !== shown[k]);
        if (at !== -1 || body.length !== shown.length) {
          const k = at === -1 ? Math.min(body.length, shown.length) : at;
          problems.push(
            `${where}: the block differs from ${marker[1]} at its line ${k + 1}:\n` +
              `  README: ${body[k] ?? '(end of block)'}\n  file:   ${shown[k] ?? '(end of file)'}`,
          );
        }
      }
    }
    if (end < lines.length) out.push(lines[end]);
    i = end;
  }
  return { problems, text: out.join('\n') };
}

function main(argv) {
  const write = argv.includes('--write');
  const readmes = argv.filter((a) => a !== '--write');
  const problems = [];
  for (const readme of readmes.length > 0 ? readmes : defaultReadmes()) {
    const path = relative(ROOT, resolve(readme));
    const result = checkReadme(path, { write });
    problems.push(...result.problems);
    if (write) writeFileSync(resolve(ROOT, path), result.text);
  }
  if (problems.length > 0) {
    console.error(
      `${problems.join('\n')}\n\nnode scripts/check-readme-examples.mjs --write copies the files into the READMEs`,
    );
    process.exitCode = 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
