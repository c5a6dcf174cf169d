#!/usr/bin/env node
// Writes the server's configuration table (rendered from its schema) into packages/server/README.md,
// between the config-table markers. Run after changing packages/server/src/config/schema.ts and building.
import { readFileSync, writeFileSync } from 'node:fs';

const { configTable } = await import('../packages/server/dist/config.js');
const readme = new URL('../packages/server/README.md', import.meta.url);
const text = readFileSync(readme, 'utf8');
const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';
const start = text.indexOf(START);
const end = text.indexOf(END);
if (start < 0 || end < start) throw new Error(`packages/server/README.md lacks ${START} … ${END}`);
writeFileSync(readme, `${text.slice(0, start + START.length)}\n${configTable()}${text.slice(end)}`);
console.log('packages/server/README.md: configuration table updated');
