import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CLIENT_ERROR_CODES } from '../src/error-codes.js';
import { TesseraClientError } from '../src/index.js';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const section = docs.slice(docs.indexOf('## @tessera/client'));
const nextSection = section.indexOf('\n## ', 3);
const clientDocs = nextSection === -1 ? section : section.slice(0, nextSection);

test('every TesseraClientError code is documented in the @tessera/client section of docs/errors.md', () => {
  assert.ok(docs.includes('## @tessera/client'), 'docs/errors.md has no @tessera/client section');
  for (const code of Object.keys(CLIENT_ERROR_CODES)) {
    assert.ok(clientDocs.includes(`\`${code}\``), `${code} is missing from docs/errors.md`);
  }
});

test('every code documented for @tessera/client exists', () => {
  const documented = [...clientDocs.matchAll(/`(ERR_CLIENT_[A-Z_]+)`/g)].map((m) => m[1]!);
  assert.ok(documented.length > 0);
  for (const code of documented)
    assert.ok(code in CLIENT_ERROR_CODES, `${code} is documented but does not exist`);
});

test('TesseraClientError carries code, status and retryAfter', () => {
  const err = new TesseraClientError('ERR_CLIENT_RATE_LIMITED', 'too many attempts', {
    status: 429,
    retryAfter: 5,
  });
  assert.equal(err.name, 'TesseraClientError');
  assert.equal(err.code, 'ERR_CLIENT_RATE_LIMITED');
  assert.equal(err.status, 429);
  assert.equal(err.retryAfter, 5);
  assert.ok(err instanceof Error);
});
