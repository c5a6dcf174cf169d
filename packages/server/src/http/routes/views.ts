import type { SigningKeyRecord } from '../../store/index.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * A signing key's public schedule, as `/admin/keys` shows it: never key material.
 *
 * @example
 * reply.send({ keys: service.keys.list().map(keyView) });
 */
export function keyView(
  k: Pick<SigningKeyRecord, 'kid' | 'alg' | 'createdAt' | 'activatesAt' | 'retiredAt' | 'expiresAt'>,
) {
  return {
    kid: k.kid,
    alg: k.alg,
    created_at: iso(k.createdAt),
    activates_at: iso(k.activatesAt),
    retired_at: iso(k.retiredAt),
    expires_at: iso(k.expiresAt),
  };
}
