import type { VerifiedJwt } from './types.js';

interface Entry {
  readonly result: VerifiedJwt;
  /** Epoch ms from which the token is valid (nbf minus tolerance). */
  readonly from: number;
  /** Epoch ms until which the token is valid (exp, and maxTokenAge, plus tolerance). */
  readonly until: number;
  /** The key-set version the token was verified with. */
  readonly version: number;
}

/**
 * A bounded cache of verified tokens. The key is the whole token string, so a
 * hit means the exact same bytes were verified before: no partial key, no
 * collision can return another token's claims. Entries never outlive the
 * token's own validity, and results are deep-frozen so one caller cannot
 * change what the next one reads.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries: number) {}

  get(token: string, nowMs: number, version: number): VerifiedJwt | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (nowMs >= entry.until || nowMs < entry.from || entry.version !== version) {
      if (nowMs >= entry.until || entry.version !== version) this.entries.delete(token);
      return undefined;
    }
    return entry.result;
  }

  set(token: string, result: VerifiedJwt, from: number, until: number, version: number): VerifiedJwt {
    deepFreeze(result);
    if (this.entries.size >= this.maxEntries) {
      // Evict the oldest insertion: Map iterates in insertion order.
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(token, { result, from, until, version });
    return result;
  }

  get size(): number {
    return this.entries.size;
  }
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
