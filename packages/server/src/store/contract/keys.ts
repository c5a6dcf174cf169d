/** A signing key. Times are epoch ms. The private key is stored only sealed by the caller's key-encryption key. */
export interface SigningKeyRecord {
  kid: string;
  alg: string;
  /** The public JWK as published in the JWKS. */
  publicJwk: Record<string, unknown>;
  /** Opaque to the store. */
  privateSealed: string;
  createdAt: number;
  /** When the key may start signing (it is published before that). */
  activatesAt: number;
  /** When it stopped signing, if it did. */
  retiredAt: number | null;
  /** When it may be unpublished and deleted (every token it signed has expired). */
  expiresAt: number | null;
}

/** The fields {@link SigningKeyStore.update} may change; an omitted field is left as is. */
export interface SigningKeyUpdate {
  retiredAt?: number | null | undefined;
  expiresAt?: number | null | undefined;
}

/** The outcome of {@link SigningKeyStore.insertIfLatest}. */
export type InsertKeyResult = { status: 'inserted' } | { status: 'conflict'; latestKid: string | null };

/**
 * Signing keys. "Latest" means the key with the greatest `createdAt` (ties: greatest `kid`).
 *
 * @example
 * // Several instances decide to rotate at once; exactly one insert wins, the others adopt it.
 * const latest = (await store.keys.list()).at(-1)?.kid ?? null;
 * const result = await store.keys.insertIfLatest(newKey, latest);
 * if (result.status === 'conflict') reload();
 */
export interface SigningKeyStore {
  /** Inserts a key unconditionally (e.g. an imported key). */
  insert(key: SigningKeyRecord): Promise<void>;
  /**
   * Compare-and-insert, one atomic step: inserts `key` only if the latest key's kid is still
   * `expectedLatestKid` (null: only if there is no key at all). Of concurrent callers that saw the
   * same latest key, exactly one gets 'inserted'.
   */
  insertIfLatest(key: SigningKeyRecord, expectedLatestKid: string | null): Promise<InsertKeyResult>;
  find(kid: string): Promise<SigningKeyRecord | null>;
  /** Keys oldest first (by createdAt, then kid). With `now`, keys whose `expiresAt <= now` are left out. */
  list(options?: { now?: number | undefined }): Promise<SigningKeyRecord[]>;
  /** Returns the updated key, or null if there is no such kid. */
  update(kid: string, changes: SigningKeyUpdate): Promise<SigningKeyRecord | null>;
  /** Deletes keys whose `expiresAt <= now`; returns how many. */
  deleteExpired(now: number): Promise<number>;
}
