import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { JWT_ERROR_CODES, JwtError } from './errors.js';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

test('every JwtError code is documented in docs/errors.md', () => {
  for (const code of Object.keys(JWT_ERROR_CODES)) {
    assert.ok(docs.includes(`\`${code}\``), `${code} is missing from docs/errors.md`);
  }
});

test('JwtError carries its code and claim', () => {
  const err = new JwtError('ERR_JWT_CLAIM_INVALID', 'unexpected aud', { claim: 'aud' });
  assert.equal(err.code, 'ERR_JWT_CLAIM_INVALID');
  assert.equal(err.claim, 'aud');
  assert.equal(err.name, 'JwtError');
  assert.ok(err instanceof Error);
});
