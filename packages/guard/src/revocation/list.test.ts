import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from './backoff.js';
import { parsePage } from './fetch-page.js';
import { RevocationList } from './list.js';

test('a session is revoked for tokens issued before its latest cutoff', () => {
  const list = new RevocationList();
  list.add({ sid: 's', before: 100, expires: 1000 }, 50);
  list.add({ sid: 's', before: 80, expires: 900 }, 50);
  assert.equal(list.isRevoked('s', 99), true);
  assert.equal(list.isRevoked('s', 100), false);
  assert.equal(list.isRevoked('s', undefined), true);
  assert.equal(list.isRevoked('other', 1), false);
  assert.equal(list.size, 1);
});

test('expired entries are ignored on arrival and swept later', () => {
  const list = new RevocationList();
  list.add({ sid: 'old', before: 10, expires: 50 }, 50);
  list.add({ sid: 'a', before: 10, expires: 60 }, 50);
  list.add({ sid: 'b', before: 10, expires: 70 }, 50);
  assert.equal(list.size, 2);
  assert.equal(list.sweep(60), 1);
  assert.equal(list.isRevoked('a', 1), false);
  assert.equal(list.isRevoked('b', 1), true);
});

test('backoff: the interval while healthy, then growing with jitter up to the cap', () => {
  assert.equal(backoffDelay(100, 0, 1000), 100);
  assert.equal(
    backoffDelay(100, 1, 1000, () => 0),
    100,
  );
  assert.equal(
    backoffDelay(100, 1, 1000, () => 1),
    200,
  );
  assert.equal(
    backoffDelay(100, 3, 1000, () => 1),
    800,
  );
  assert.equal(
    backoffDelay(100, 10, 1000, () => 1),
    1000,
  );
  assert.equal(
    backoffDelay(100, 10, 1000, () => 0),
    500,
  );
  assert.equal(
    backoffDelay(100, 5000, 1000, () => 1),
    1000,
  );
});

test('a feed page is validated in full', () => {
  assert.deepEqual(parsePage('{"cursor":3,"revoked":[{"sid":"s","before":1,"expires":2,"cursor":3}]}'), {
    cursor: 3,
    revoked: [{ sid: 's', before: 1, expires: 2 }],
  });
  assert.deepEqual(parsePage('{"cursor":"opaque","revoked":[]}'), { cursor: 'opaque', revoked: [] });
  for (const bad of [
    'nope',
    '[]',
    '{"revoked":[]}',
    '{"cursor":null,"revoked":[]}',
    '{"cursor":1}',
    '{"cursor":1,"revoked":[null]}',
    '{"cursor":1,"revoked":[{"sid":"s","before":"1","expires":2}]}',
    '{"cursor":1,"revoked":[{"sid":"","before":1,"expires":2}]}',
    '{"cursor":1,"revoked":[{"sid":"s","before":1}]}',
  ]) {
    assert.throws(() => parsePage(bad), /revocation feed/, bad);
  }
});
