import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { TestContext } from 'node:test';
import type { Store } from '../contract/index.js';
import { type NewSession, refreshHash, refreshHashParts, type Session } from '../contract/sessions.js';
import type { User } from '../contract/users.js';

/** What a store factory hands the suite: a fresh, empty, migrated store and how to dispose of it. */
export interface StoreUnderTest {
  store: Store;
  /** Closes the store (it may already be closed) and deletes its data. */
  cleanup: () => Promise<void>;
  /** Opens a second store on the same data, as a restarted process would; enables the persistence tests. */
  reopen?: () => Promise<Store>;
}

/** Builds one fresh store per test; see {@link StoreUnderTest}. */
export type StoreFactory = () => Promise<StoreUnderTest>;

/** A frozen clock: 2023-11-14T22:13:20Z in epoch ms. */
export const T0 = 1_700_000_000_000;
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const DAY = 24 * 60 * MINUTE;
export const GRACE_MS = 30 * SECOND;

/** Runs `fn` against a fresh store and always cleans up. */
export function withStore(
  factory: StoreFactory,
  fn: (store: Store, sut: StoreUnderTest, t: TestContext) => Promise<void>,
): (t: TestContext) => Promise<void> {
  return async (t) => {
    const sut = await factory();
    try {
      await fn(sut.store, sut, t);
    } finally {
      await sut.cleanup();
    }
  };
}

/** A refresh-token hash as the service computes it for a token of the session: `<sessionId>.<SHA-256>`. */
export function tokenHash(sessionId: string): string {
  return refreshHash(sessionId, secretHash());
}

/** The SHA-256 (base64url) of fresh random bytes: a client secret's hash, say. */
export function secretHash(): string {
  return createHash('sha256').update(randomBytes(32)).digest('base64url');
}

/** Creates a user with a unique email. */
export async function addUser(
  store: Store,
  overrides: Partial<{ email: string; blocked: boolean; roles: string[] }> = {},
) {
  const result = await store.users.create({
    id: randomUUID(),
    email: overrides.email ?? `${randomUUID()}@example.com`,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    roles: overrides.roles ?? ['user'],
    permissions: ['profile:read'],
    blocked: overrides.blocked ?? false,
    now: T0,
  });
  assert.equal(result.status, 'created', 'fixture user was not created');
  return (result as { user: User }).user;
}

/** Creates a session (30-day absolute, 14-day idle) with its first refresh token. */
export async function addSession(
  store: Store,
  user: User,
  overrides: Partial<NewSession> & { tokenExpiresAt?: number } = {},
): Promise<{ session: Session; hash: string }> {
  const id = overrides.id ?? randomUUID();
  const hash = tokenHash(id);
  const createdAt = overrides.createdAt ?? T0;
  const session = await store.sessions.create(
    {
      id,
      userId: user.id,
      createdAt,
      absoluteExpiresAt: overrides.absoluteExpiresAt ?? createdAt + 30 * DAY,
      userAgent: overrides.userAgent ?? 'conformance/1.0',
      ip: overrides.ip ?? '203.0.113.7',
      ...(overrides.accessNotBefore === undefined ? {} : { accessNotBefore: overrides.accessNotBefore }),
      ...(overrides.dpopJkt === undefined ? {} : { dpopJkt: overrides.dpopJkt }),
    },
    { hash, expiresAt: overrides.tokenExpiresAt ?? createdAt + 14 * DAY },
  );
  return { session, hash };
}

/** A successor of the token hashed `presented`, as the service prepares it before calling rotateRefreshToken. */
export function successorFor(now: number, presented: string) {
  const sessionId = refreshHashParts(presented)?.sessionId ?? 'no-session';
  return { hash: tokenHash(sessionId), sealed: `sealed:${randomUUID()}`, expiresAt: now + 14 * DAY };
}

/** Counts the outcomes of many results by status. */
export function tally(results: readonly { status: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}
