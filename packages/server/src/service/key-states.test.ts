import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SigningKeyRecord } from '../store/index.js';
import { activeKeyIndex, keyStates } from './key-states.js';

const T = Date.parse('2025-01-01T00:00:00Z');
const HOUR = 3600_000;

function key(kid: string, activatesAt: number, retiredAt: number | null = null): SigningKeyRecord {
  return {
    kid,
    alg: 'EdDSA',
    publicJwk: {},
    privateSealed: '',
    createdAt: activatesAt,
    activatesAt,
    retiredAt,
    expiresAt: retiredAt === null ? null : retiredAt + HOUR,
  };
}

describe('keyStates', () => {
  it('one key: active', () => {
    assert.deepEqual(keyStates([key('a', T - HOUR)], T), ['active']);
  });

  it('a scheduled next key: the current one stays active until the next activates', () => {
    const keys = [key('a', T - HOUR, T + HOUR), key('b', T + HOUR)];
    assert.deepEqual(keyStates(keys, T), ['active', 'next']);
    assert.deepEqual(keyStates(keys, T + HOUR), ['retired', 'active']);
  });

  it('an immediate rotation over a scheduled key retires both older keys', () => {
    // `rotate` then `rotate --now`: b was published for later, c signs at once and retires a and b.
    const keys = [key('a', T - HOUR, T), key('b', T + HOUR, T), key('c', T)];
    assert.deepEqual(keyStates(keys, T), ['retired', 'retired', 'active']);
    assert.deepEqual(keyStates(keys, T + 2 * HOUR), ['retired', 'retired', 'active']);
  });
});

describe('activeKeyIndex', () => {
  it('is the newest key whose activation has come, -1 before any', () => {
    const keys = [key('a', T - HOUR, T), key('b', T + HOUR, T), key('c', T)];
    const at = (k: SigningKeyRecord) => k.activatesAt;
    assert.equal(activeKeyIndex(keys, at, T - 2 * HOUR), -1);
    assert.equal(activeKeyIndex(keys, at, T - HOUR), 0);
    assert.equal(activeKeyIndex(keys, at, T), 2);
    assert.equal(activeKeyIndex(keys, at, T + 2 * HOUR), 2);
    assert.equal(activeKeyIndex([], at, T), -1);
  });
});
