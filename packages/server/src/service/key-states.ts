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

/**
 * What revoking the key `kid` takes at `now`: `rotate` when it signs now or is published to sign
 * later (a fresh key must sign at once first, or signing would stop or fall back to it), `retire`
 * when it is retired already (it only leaves the JWKS), `unknown` when no key has this kid.
 *
 * @example
 * if (revocationStep(service.keys.list(), kid, Date.now()) === 'rotate') await keys.rotate({ immediate: true });
 */
export function revocationStep(
  keys: readonly SigningKeyRecord[],
  kid: string,
  now: number,
): 'rotate' | 'retire' | 'unknown' {
  const i = keys.findIndex((k) => k.kid === kid);
  if (i < 0) return 'unknown';
  return keyStates(keys, now)[i] === 'retired' ? 'retire' : 'rotate';
}

/**
 * The schedule of a revoked key: it signs no more (retired at `now` at the latest) and leaves the
 * JWKS at once (`expiresAt = now`): the store's listing leaves it out from then on, so it is never
 * loaded, published or chosen to sign again, also after a restart, until it is deleted.
 *
 * @example
 * await store.keys.update(kid, revokedSchedule(record, clock.now()));
 */
export function revokedSchedule(
  key: Pick<SigningKeyRecord, 'retiredAt'>,
  now: number,
): { retiredAt: number; expiresAt: number } {
  return { retiredAt: key.retiredAt === null ? now : Math.min(key.retiredAt, now), expiresAt: now };
}
