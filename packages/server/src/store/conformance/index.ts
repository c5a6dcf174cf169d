import { describe } from 'node:test';
import { auditConformance } from './audit.js';
import { clientConformance } from './clients.js';
import { keyConformance } from './keys.js';
import { persistenceConformance } from './persistence.js';
import { rateLimitAndMetaConformance } from './rate-limits-meta.js';
import { revocationConformance } from './revocations.js';
import { rotationConformance } from './rotation.js';
import { rotationRaceConformance } from './rotation-races.js';
import { sessionConformance } from './sessions.js';
import type { StoreFactory } from './support.js';
import { userConformance } from './users.js';

export type { StoreFactory, StoreUnderTest } from './support.js';

/**
 * Registers the storage-contract conformance suite with node:test. Every store implementation
 * runs it against a real instance. The factory is called once per test and must return a fresh,
 * empty, ready store; `cleanup` closes it (it may already be closed) and deletes its data. With
 * `reopen`, the suite also checks that state survives a restart.
 *
 * @example
 * runStoreConformance('sqlite', async () => {
 *   const dir = await mkdtemp(join(tmpdir(), 'tessera-'));
 *   const store = await createSqlStore({ dialect: 'sqlite', filename: join(dir, 'db.sqlite') });
 *   return { store, cleanup: async () => { await store.close(); await rm(dir, { recursive: true }); } };
 * });
 */
export function runStoreConformance(name: string, factory: StoreFactory): void {
  describe(`store conformance: ${name}`, () => {
    userConformance(factory);
    sessionConformance(factory);
    rotationConformance(factory);
    rotationRaceConformance(factory);
    revocationConformance(factory);
    keyConformance(factory);
    auditConformance(factory);
    rateLimitAndMetaConformance(factory);
    clientConformance(factory);
    persistenceConformance(factory);
  });
}
