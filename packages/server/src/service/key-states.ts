import type { SigningKeyRecord } from '../store/index.js';

/** Where a key is in its life: published ahead (`next`), signing (`active`), or verifying only (`retired`). */
export type KeyState = 'next' | 'active' | 'retired';

/**
 * The index of the key that signs at `now`: the newest (keys are oldest first) whose activation
 * has come; -1 when there is none. The one rule for "current", used to sign and to report.
 *
 * @example
 * const i = activeKeyIndex(records, (k) => k.activatesAt, Date.now());
 */
export function activeKeyIndex<T>(keys: readonly T[], activatesAt: (key: T) => number, now: number): number {
  for (let i = keys.length - 1; i >= 0; i--) if (activatesAt(keys[i] as T) <= now) return i;
  return -1;
}

const activation = (k: SigningKeyRecord) => k.activatesAt;

/**
 * The state of each key at `now`: the key of {@link activeKeyIndex} signs; newer ones are
 * published ahead, unless an immediate rotation retired them before they ever signed; older
 * ones are retired.
 *
 * @example
 * keyStates(service.keys.list(), Date.now()); // ['retired', 'active', 'next']
 */
export function keyStates(keys: readonly SigningKeyRecord[], now: number): KeyState[] {
  const active = activeKeyIndex(keys, activation, now);
  return keys.map((k, i) => {
    if (k.retiredAt !== null && k.retiredAt <= now) return 'retired';
    if (k.activatesAt > now) return k.retiredAt !== null && k.retiredAt <= k.activatesAt ? 'retired' : 'next';
    return i === active ? 'active' : 'retired';
  });
}
