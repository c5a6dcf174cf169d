import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from './backoff.js';
import { parsePage } from './fetch-page.js';
import { RevocationList } from './list.js';

test('a session is revoked for tokens issued before its latest cutoff', () => {
  const list = new RevocationList();
  list.add({ sid: 's', before: 100, expires: 1000 }, 50);
  list.add({ sid: 's', before: 80, expires: 900 }, 50);
  assert.equal(list.isRevoked('s', 'u', 99), true);
  assert.equal(list.isRevoked('s', 'u', 100), false);
  assert.equal(list.isRevoked('s', 'u', undefined), true);
  assert.equal(list.isRevoked('other', 'u', 1), false);
  assert.equal(list.isRevoked(undefined, 'u', 1), false);
  assert.equal(list.size, 1);
});

test('a user entry revokes every token of that user issued before it, with or without a sid', () => {
  const list = new RevocationList();
  list.add({ sub: 'u', before: 100, expires: 1000 }, 50);
  list.add({ sub: 'u', before: 90, expires: 900 }, 50);
  assert.equal(list.isRevoked('any-session', 'u', 99), true);
  assert.equal(list.isRevoked(undefined, 'u', 99), true, 'client credentials have no sid');
  assert.equal(list.isRevoked('any-session', 'u', 100), false);
  assert.equal(list.isRevoked('any-session', 'u', undefined), true);
  assert.equal(list.isRevoked('any-session', 'other', 1), false);
  assert.equal(list.size, 1);
});

test('the global entry revokes every token issued before it, whoever it belongs to', () => {
  const list = new RevocationList();
  list.add({ all: true, before: 100, expires: 1000 }, 50);
  list.add({ all: true, before: 120, expires: 1020 }, 50);
  list.add({ all: true, before: 110, expires: 1010 }, 50);
  assert.equal(list.isRevoked('s', 'u', 119), true);
  assert.equal(list.isRevoked(undefined, 'v', 1), true);
  assert.equal(list.isRevoked('s', 'u', 120), false);
  assert.equal(list.size, 1);
  assert.equal(list.sweep(1019), 0);
  assert.equal(list.sweep(1020), 1);
  assert.equal(list.isRevoked('s', 'u', 1), false);
});

test('a key entry revokes every token whose header names the key, whatever its iat', () => {
  const list = new RevocationList();
  list.add({ kid: 'k1', expires: 1000 }, 50);
  assert.equal(list.isRevoked('s', 'u', 999, 'k1'), true);
  assert.equal(list.isRevoked(undefined, 'u', undefined, 'k1'), true);
  assert.equal(list.isRevoked('s', 'u', 1, 'k2'), false);
  assert.equal(list.isRevoked('s', 'u', 1, undefined), false);
  assert.equal(list.sweep(1000), 1);
  assert.equal(list.isRevoked('s', 'u', 1, 'k1'), false);
});

test('expired entries are ignored on arrival and swept later, of every kind', () => {
  const list = new RevocationList();
  list.add({ sid: 'old', before: 10, expires: 50 }, 50);
  list.add({ sub: 'old', before: 10, expires: 50 }, 50);
  list.add({ kid: 'old', expires: 50 }, 50);
  list.add({ all: true, before: 10, expires: 50 }, 50);
  assert.equal(list.size, 0);
  list.add({ sid: 'a', before: 10, expires: 60 }, 50);
  list.add({ sid: 'b', before: 10, expires: 70 }, 50);
  list.add({ sub: 'c', before: 10, expires: 60 }, 50);
  list.add({ kid: 'd', expires: 70 }, 50);
  assert.equal(list.size, 4);
  assert.equal(list.sweep(60), 2);
  assert.equal(list.isRevoked('a', 'c', 1), false);
  assert.equal(list.isRevoked('b', 'x', 1), true);
  assert.equal(list.isRevoked('x', 'x', 1, 'd'), true);
  assert.equal(list.sweep(70), 2);
  assert.equal(list.size, 0);
});

test('memory is bounded by live entries: a million revocations over time keep only the live ones', () => {
  const list = new RevocationList();
  for (let i = 0; i < 100_000; i++) {
    const now = i; // one entry per second, each living 600 s
    list.add({ sub: `user-${i}`, before: now, expires: now + 600 }, now);
    if (i % 60 === 0) list.sweep(now);
  }
  assert.ok(list.size <= 660, `${list.size} entries held`);
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
    unknown: 0,
  });
  assert.deepEqual(parsePage('{"cursor":"opaque","revoked":[]}'), {
    cursor: 'opaque',
    revoked: [],
    unknown: 0,
  });
  for (const bad of [
    'nope',
    '[]',
    '{"revoked":[]}',
    '{"cursor":null,"revoked":[]}',
    '{"cursor":1}',
    '{"cursor":1,"revoked":[null]}',
    '{"cursor":1,"revoked":[[]]}',
    '{"cursor":1,"revoked":[{"sid":"s","before":"1","expires":2}]}',
    '{"cursor":1,"revoked":[{"sid":"","before":1,"expires":2}]}',
    '{"cursor":1,"revoked":[{"sid":"s","before":1}]}',
    '{"cursor":1,"revoked":[{"sub":"u","expires":2}]}',
    '{"cursor":1,"revoked":[{"sub":7,"before":1,"expires":2}]}',
    '{"cursor":1,"revoked":[{"all":false,"before":1,"expires":2}]}',
    '{"cursor":1,"revoked":[{"all":true,"expires":2}]}',
    '{"cursor":1,"revoked":[{"kid":"","expires":2}]}',
    '{"cursor":1,"revoked":[{"kid":"k"}]}',
    '{"cursor":1,"revoked":[{"sid":"s","sub":"u","before":1,"expires":2}]}',
    '{"cursor":1,"revoked":[{"all":true,"kid":"k","before":1,"expires":2}]}',
  ]) {
    assert.throws(() => parsePage(bad), /revocation feed/, bad);
  }
});

test('a feed page carries all four kinds; entries of a later kind are skipped and counted', () => {
  const page = parsePage(
    JSON.stringify({
      cursor: 9,
      revoked: [
        { sid: 's', before: 1, expires: 2 },
        { sub: 'u', before: 3, expires: 4 },
        { all: true, before: 5, expires: 6 },
        { kid: 'k', expires: 7 },
        { jti: 'a-future-kind', expires: 8 },
      ],
    }),
  );
  assert.deepEqual(page, {
    cursor: 9,
    revoked: [
      { sid: 's', before: 1, expires: 2 },
      { sub: 'u', before: 3, expires: 4 },
      { all: true, before: 5, expires: 6 },
      { kid: 'k', expires: 7 },
    ],
    unknown: 1,
  });
});
