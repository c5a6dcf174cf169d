#!/usr/bin/env node
// Builds assets/common-passwords.txt.gz, the breached-password list the server refuses (see
// assets/README.md): the 100,000 most common passwords of at least 8 bytes (shorter ones are
// refused by length anyway), lowercased, deduplicated, sorted, one a line, gzip'd.
// Usage: node scripts/make-common-passwords.mjs <10_million_password_list_top_1M.txt>
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const COUNT = 100_000;
const MIN_BYTES = 8;
const source = process.argv[2];
if (source === undefined) {
  console.error('usage: node scripts/make-common-passwords.mjs <10_million_password_list_top_1M.txt>');
  process.exit(1);
}
const seen = new Set();
for (const line of readFileSync(source, 'utf8').split('\n')) {
  const password = line.trim().toLowerCase();
  if (Buffer.byteLength(password) < MIN_BYTES || seen.has(password)) continue;
  seen.add(password);
  if (seen.size === COUNT) break;
}
const text = `${[...seen].sort().join('\n')}\n`;
const out = new URL('../assets/common-passwords.txt.gz', import.meta.url);
writeFileSync(out, gzipSync(text, { level: 9 }));
console.log(`${seen.size} passwords written to ${out.pathname}`);
