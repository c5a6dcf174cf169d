import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildChallenges, GUARD_ERROR_CODES, GuardError, type GuardReason } from './errors.js';
import { GUARD_FAILURE_CODES, GuardOptionsError, GuardRuntimeError } from './failures.js';
import { optionError } from './options.js';
import { parsePage } from './revocation/fetch-page.js';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const start = docs.indexOf('## @tessera/guard');
const section = docs.slice(start, docs.indexOf('\n## ', start + 1));
const challenges = buildChallenges('api');

/** A reason the guard knows: GuardError keeps it (an unknown one becomes ERR_GUARD_UNEXPECTED). */
const isReason = (code: string) => new GuardError(code as GuardReason, challenges).reason === code;

test('every guard code is documented in docs/errors.md, and every documented ERR_ code exists', () => {
  for (const code of [...Object.keys(GUARD_FAILURE_CODES), ...Object.keys(GUARD_ERROR_CODES)]) {
    assert.ok(section.includes(`\`${code}\``), `${code} is missing from the guard section of docs/errors.md`);
  }
  for (const [code] of section.matchAll(/\bERR_[A-Z0-9_]+/g)) {
    assert.ok(
      code in GUARD_FAILURE_CODES || isReason(code),
      `docs/errors.md documents ${code}, which the guard lacks`,
    );
  }
});

test('an option error is a TypeError with a code, a revocation-feed failure an Error with one', () => {
  const options = optionError('issuer is required');
  assert.ok(options instanceof TypeError && options instanceof GuardOptionsError);
  assert.deepEqual(
    [options.name, options.code, options.message],
    ['GuardOptionsError', 'ERR_GUARD_OPTIONS', '@tessera/guard: issuer is required'],
  );
  assert.throws(
    () => parsePage('{"cursor":1,"revoked":[{"sid":"s"}]}'),
    (err: unknown) => err instanceof GuardRuntimeError && err.code === 'ERR_GUARD_FEED_INVALID',
  );
  assert.throws(
    () => parsePage('not json'),
    (err: unknown) => err instanceof GuardRuntimeError && /^revocation feed: /.test(err.message),
  );
});
