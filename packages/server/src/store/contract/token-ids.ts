/**
 * Identifiers remembered until a deadline, by kind: the `jti` of client assertions already used
 * (RFC 7523 replay protection), the `jti` of access tokens revoked at the server. Every instance
 * shares them through the store. Times are epoch ms.
 *
 * @example
 * // false: this assertion was seen before (a replay)
 * const first = await store.tokenIds.add('client-assertion', `${clientId}:${jti}`, exp * 1000, now);
 * if (await store.tokenIds.has('revoked-access-token', jti, now)) inactive();
 */
export interface TokenIdStore {
  /**
   * Records `id` under `kind` until `expiresAt`. One atomic step: of any number of concurrent
   * calls with one kind and id, exactly one gets true. An entry whose `expiresAt <= now` counts
   * as absent: it is replaced and the call gets true. `kind` is at most 32 characters, `id` 512.
   */
  add(kind: string, id: string, expiresAt: number, now: number): Promise<boolean>;
  /** True while an entry of `kind` and `id` exists with `expiresAt > now`. */
  has(kind: string, id: string, now: number): Promise<boolean>;
  /** Deletes entries with `expiresAt <= now`; returns how many. */
  purge(now: number): Promise<number>;
}
