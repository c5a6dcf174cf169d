import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { STORE_ERROR_CODES } from './errors.js';

const docs = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');

test('every store error code is documented in docs/errors.md', () => {
  const section = docs.slice(docs.indexOf('## @tessera/server (store)'));
  for (const code of Object.keys(STORE_ERROR_CODES)) {
    assert.ok(section.includes(`\`${code}\``), `${code} is missing from the store section of docs/errors.md`);
  }
});
