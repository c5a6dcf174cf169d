import assert from 'node:assert/strict';
import { test } from 'node:test';
import { epochSeconds, toSeconds } from './time.js';

const invalid = { name: 'JwtError', code: 'ERR_INVALID_OPTIONS' };

test('toSeconds takes seconds as a number', () => {
  assert.equal(toSeconds(0, 'x'), 0);
  assert.equal(toSeconds(30, 'x'), 30);
  assert.equal(toSeconds(1.5, 'x'), 1.5);
});

test('toSeconds takes Ns, Nm, Nh and Nd strings', () => {
  assert.equal(toSeconds('30s', 'x'), 30);
  assert.equal(toSeconds('15m', 'x'), 900);
  assert.equal(toSeconds('12h', 'x'), 43_200);
  assert.equal(toSeconds('7d', 'x'), 604_800);
  assert.equal(toSeconds('0s', 'x'), 0);
  assert.equal(toSeconds('999999999s', 'x'), 999_999_999);
});

test('toSeconds refuses everything else, naming the option', () => {
  const bad: unknown[] = [
    '1 day',
    '10',
    '1.5h',
    '2w',
    '',
    ' 30s',
    '30s ',
    '30S',
    '-5s',
    '+5s',
    '1e3s',
    '0x10s',
    '1000000000s',
    '30sec',
    'm',
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    null,
    undefined,
    {},
    ['30s'],
  ];
  for (const value of bad) {
    assert.throws(() => toSeconds(value as string, 'expiresIn'), invalid, String(value));
  }
  assert.throws(() => toSeconds('1 day', 'expiresIn'), /expiresIn/);
});

test('epochSeconds reads `now` when given, else the clock', (t) => {
  assert.equal(epochSeconds(new Date('2026-01-01T00:00:00.500Z')), 1_767_225_600.5);
  t.mock.timers.enable({ apis: ['Date'], now: 1_767_225_600_250 });
  assert.equal(epochSeconds(undefined), 1_767_225_600.25);
});
