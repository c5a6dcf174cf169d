import { createGuard, type Guard, type GuardOptions } from '../../src/index.js';
import { AUDIENCE, ISSUER, PERMISSIVE_ALGORITHMS, publicKeys } from './keys.js';

/** A guard over the test keys with the permissive allow-list (see keys.ts). */
export function testGuard(extra: Partial<GuardOptions> = {}): Guard {
  return createGuard({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: [...PERMISSIVE_ALGORITHMS],
    keys: publicKeys,
    ...extra,
  });
}
