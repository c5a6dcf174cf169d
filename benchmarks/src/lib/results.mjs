// Result files under benchmarks/results/ (git-ignored): one JSON with every
// run, one markdown file with the tables.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS_DIR = join(BENCH_DIR, 'results');

/** 2026-11-24T07:59:23.123Z -> 20261124T075923Z */
export function stamp(d = new Date()) {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** Writes results/<prefix>-<stamp>.json and .md; returns both paths relative to benchmarks/. */
export function writeResults(prefix, data, markdown, when = new Date()) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const base = join(RESULTS_DIR, `${prefix}-${stamp(when)}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(data, null, 2)}\n`);
  writeFileSync(`${base}.md`, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return { json: relative(BENCH_DIR, `${base}.json`), md: relative(BENCH_DIR, `${base}.md`) };
}
