import { randomBytes } from 'node:crypto';
import {
  type Alg,
  createKeySet,
  exportJwk,
  generateKeyPair,
  generateSecret,
  importJwk,
  importKeyObject,
  type Jwk,
  jwkThumbprint,
  type Key,
  type KeySet,
} from '@tessera/jwt';
import { ConfigError } from '../config/errors.js';
import type { SigningKeyRecord, SigningKeyStore } from '../store/index.js';
import type { Actor, AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import { ServiceError } from './errors.js';
import { activeKeyIndex, type KeyState, keyStates, revocationStep, revokedSchedule } from './key-states.js';
import type { Revocations } from './revocations.js';
import { open, seal } from './secrets.js';

/** How signing keys are made and rotated. Durations in ms. */
export interface SigningKeyPolicy {
  alg: Alg;
  /** A key signs for this long before the next one takes over. Default 30 days. */
  rotationIntervalMs: number;
  /** The next key is in the JWKS at least this long before it signs; at least the JWKS max-age. */
  prepublishMs: number;
  /** A retired key stays published this long: the longest access-token lifetime plus clock skew. */
  retireAfterMs: number;
}

interface LoadedKey {
  record: SigningKeyRecord;
  privateKey: Key;
  publicKey: Key | undefined;
}

/** A key's metadata with its state now. */
export type SigningKeyStatus = SigningKeyRecord & { state: KeyState };

/**
 * What {@link SigningKeys.revoke} did: `revoked` (with the key that signs from now on when the
 * revoked one signed or was about to, and when its revocation entry lapses, epoch seconds),
 * `already-revoked` (nothing changed: revoking is idempotent), or `not-found` (no such kid).
 */
export type RevokeKeyResult =
  | { status: 'revoked'; kid: string; replacement: SigningKeyRecord | null; expires: number }
  | { status: 'already-revoked'; kid: string }
  | { status: 'not-found' };

const activation = (k: LoadedKey) => k.record.activatesAt;

/**
 * The issuer's signing keys: private keys sealed at rest with the key-encryption
 * key, a current key to sign with, and a JWKS that publishes the next key before
 * it is used and keeps retired keys until every token they signed has expired.
 *
 * @example
 * const keys = new SigningKeys(store.keys, kek, clock, policy, audit, revocations);
 * await keys.load();
 * await keys.maintain(); // first start: creates the first key
 * const key = keys.current();
 */
export class SigningKeys {
  private loaded: LoadedKey[] = [];
  private jwksCache: { keys: Jwk[] } | undefined;
  private verifyKeys: KeySet | undefined;
  /** Kids whose revocation entry made this instance reload (once each: see reloadIfRevoked). */
  private readonly reloadedFor = new Set<string>();

  constructor(
    private readonly store: SigningKeyStore,
    private readonly kek: Buffer,
    private readonly clock: Clock,
    readonly policy: SigningKeyPolicy,
    private readonly audit: AuditLog,
    /** Where a revoked key's entry goes (and the cutoffs that tell other instances' revocations). */
    private readonly revocations: Revocations,
  ) {}

  /** Reads every unexpired key from the store and unseals it. */
  async load(): Promise<void> {
    const records = await this.store.list({ now: this.clock.now() });
    const known = new Map(this.loaded.map((k) => [k.record.kid, k]));
    this.loaded = records.map((record) => {
      const previous = known.get(record.kid);
      if (previous !== undefined) return { ...previous, record };
      return this.unseal(record);
    });
    this.jwksCache = undefined;
    this.verifyKeys = undefined;
  }

  /** The key that signs now: the newest one whose activation time has come. */
  current(): Key {
    const found = this.loaded[activeKeyIndex(this.loaded, activation, this.clock.now())];
    if (found === undefined) {
      throw new ServiceError('ERR_SIGNING_KEY_UNAVAILABLE', 'no active signing key: call maintain() first');
    }
    return found.privateKey;
  }

  /** The public JWKS: every published key, never a private member, never a secret. */
  jwks(): { keys: Jwk[] } {
    this.jwksCache ??= {
      keys: this.loaded.flatMap((k) => (k.publicKey === undefined ? [] : [exportJwk(k.publicKey)])),
    };
    return this.jwksCache;
  }

  /** The keys that verify this issuer's tokens (public keys, or the secret for HS*). */
  verificationKeys(): KeySet {
    this.verifyKeys ??= createKeySet(this.loaded.map((k) => k.publicKey ?? k.privateKey));
    return this.verifyKeys;
  }

  /** Metadata of the loaded keys, oldest first. */
  list(): SigningKeyRecord[] {
    return this.loaded.map((k) => k.record);
  }

  /** Metadata of the loaded keys with their state now (next, active, retired), oldest first. */
  status(): SigningKeyStatus[] {
    const records = this.list();
    const states = keyStates(records, this.clock.now());
    return records.map((record, i) => ({ ...record, state: states[i] as KeyState }));
  }

  /**
   * Keeps the schedule: creates the first key, publishes the next key
   * `prepublishMs` before the current one's interval ends, and deletes keys
   * that are past their publication. Safe to run on several instances at once.
   * Returns true when it changed something.
   */
  async maintain(): Promise<boolean> {
    const now = this.clock.now();
    let changed = (await this.store.deleteExpired(now)) > 0;
    if (changed) await this.load();
    const latest = this.loaded.at(-1);
    if (latest === undefined) {
      changed = (await this.add(now, null)) || changed;
    } else if (now >= latest.record.activatesAt + this.policy.rotationIntervalMs - this.policy.prepublishMs) {
      const activatesAt = Math.max(
        now + this.policy.prepublishMs,
        latest.record.activatesAt + this.policy.rotationIntervalMs,
      );
      changed = (await this.add(activatesAt, latest.record.kid)) || changed;
    }
    return changed;
  }

  /**
   * Rotates now, outside the schedule, and writes the `key-rotated` audit row (with the actor,
   * when one is known). By default the new key is published `prepublishMs` before it signs;
   * `immediate` makes it sign at once (after a compromise: verifiers fetch it on the unknown kid).
   */
  async rotate(opts: { immediate?: boolean; actor?: Actor } = {}): Promise<SigningKeyRecord> {
    await this.load();
    const now = this.clock.now();
    const immediate = opts.immediate === true;
    const activatesAt = immediate ? now : now + this.policy.prepublishMs;
    if (!(await this.add(activatesAt, this.loaded.at(-1)?.record.kid ?? null))) {
      throw new ServiceError(
        'ERR_SIGNING_KEY_CONFLICT',
        'another instance rotated the keys at the same time; run it again',
      );
    }
    const record = this.loaded.at(-1)!.record;
    const by = opts.actor?.userId ?? null;
    await this.audit.record('key-rotated', {
      userId: by,
      meta: opts.actor?.meta,
      details: { kid: record.kid, immediate, by },
    });
    return record;
  }

  /**
   * Revokes a compromised signing key, the one operation behind `tessera keys revoke KID` and
   * `POST /admin/keys/:kid/revoke`. If the key signs now or is published to sign later, a fresh
   * key first takes over at once (an immediate rotation, audited as `key-rotated`), so signing
   * never stops. Then the key leaves the JWKS and the verification keys at once and for good (its
   * schedule is {@link revokedSchedule}: the store lists it no more, also after a restart, until
   * it is deleted); a key entry in the revocation feed makes guards refuse every token it signed
   * whatever their cached JWKS; the server's own Bearer routes and introspection refuse them at
   * once (other instances within about a second: they follow the entries and reload their keys).
   * Writes the `key-rotated`/`key-revoked` audit rows. Revoking a revoked key again changes
   * nothing (`already-revoked`); an unknown kid is `not-found`.
   *
   * @example
   * const result = await keys.revoke('3pX…', { actor: { userId: admin.id } });
   * if (result.status === 'not-found') reply.code(404);
   */
  async revoke(kid: string, opts: { actor?: Actor } = {}): Promise<RevokeKeyResult> {
    const cutoffs = this.revocations.cutoffs;
    await cutoffs.sync();
    await this.load();
    const step = revocationStep(this.list(), kid, this.clock.now());
    if (step === 'unknown') {
      // Not published: revoked before (its entry still lives), or past its publication and
      // waiting for deletion (every token it signed has expired: the entry costs nothing), or none.
      if (cutoffs.revokesKey(kid, this.clock.now() / 1000)) return { status: 'already-revoked', kid };
      if ((await this.store.find(kid)) === null) return { status: 'not-found' };
    }
    const replacement = step === 'rotate' ? await this.rotate({ immediate: true, ...opts }) : null;
    const now = this.clock.now();
    const record = await this.store.find(kid);
    if (record !== null && (record.expiresAt === null || record.expiresAt > now)) {
      await this.store.update(kid, revokedSchedule(record, now));
    }
    const entry = await this.revocations.revokeKey(kid, now);
    await this.load();
    const by = opts.actor?.userId ?? null;
    await this.audit.record('key-revoked', {
      userId: by,
      meta: opts.actor?.meta,
      details: { kid, replacedBy: replacement?.kid ?? null, expires: entry.expires, by },
    });
    return { status: 'revoked', kid, replacement, expires: entry.expires };
  }

  /**
   * Reloads the keys when a revocation entry names a loaded key (another instance or the CLI
   * revoked it): this instance stops publishing it and signs with the replacement at once rather
   * than at the next periodic reload. Once per revoked kid. Returns true when it reloaded.
   *
   * @example
   * await revocations.cutoffs.sync();
   * await keys.reloadIfRevoked();
   */
  async reloadIfRevoked(): Promise<boolean> {
    const nowSeconds = this.clock.now() / 1000;
    const revoked = this.loaded
      .map((k) => k.record.kid)
      .filter((kid) => !this.reloadedFor.has(kid) && this.revocations.cutoffs.revokesKey(kid, nowSeconds));
    if (revoked.length === 0) return false;
    for (const kid of revoked) this.reloadedFor.add(kid);
    await this.load();
    return true;
  }

  /** Creates a key that activates at `activatesAt`, retiring older ones from then on. */
  private async add(activatesAt: number, expectedLatest: string | null): Promise<boolean> {
    // The store orders keys by createdAt ("latest" = greatest): a key made in the same
    // millisecond as the one before must still sort after it, or it would never sign.
    const createdAt = Math.max(this.clock.now(), (this.loaded.at(-1)?.record.createdAt ?? 0) + 1);
    const { record, loaded } = this.generate(createdAt, activatesAt);
    const result = await this.store.insertIfLatest(record, expectedLatest);
    if (result.status === 'inserted') {
      // Every key that signed before the new one stops at its activation and stays published
      // until the last token it could have signed has expired.
      for (const key of this.loaded) {
        if (key.record.retiredAt !== null && key.record.retiredAt <= activatesAt) continue;
        await this.store.update(key.record.kid, {
          retiredAt: activatesAt,
          expiresAt: activatesAt + this.policy.retireAfterMs,
        });
      }
      this.loaded.push(loaded);
    }
    await this.load();
    return result.status === 'inserted';
  }

  private generate(now: number, activatesAt: number): { record: SigningKeyRecord; loaded: LoadedKey } {
    const alg = this.policy.alg;
    let privateKey: Key;
    let publicKey: Key | undefined;
    let kid: string;
    if (alg.startsWith('HS')) {
      kid = randomBytes(12).toString('base64url');
      privateKey = generateSecret(alg as 'HS256', { kid });
    } else {
      const pair = generateKeyPair(alg);
      kid = jwkThumbprint(pair.publicKey);
      privateKey = importKeyObject(pair.privateKey.keyObject, { alg, kid });
      publicKey = importKeyObject(pair.publicKey.keyObject, { alg, kid });
    }
    const privateJwk = exportJwk(privateKey, { private: true });
    const record: SigningKeyRecord = {
      kid,
      alg,
      publicJwk: publicKey === undefined ? { kty: 'oct', kid, alg } : { ...exportJwk(publicKey) },
      privateSealed: seal(this.kek, Buffer.from(JSON.stringify(privateJwk)), `signing-key:${kid}`),
      createdAt: now,
      activatesAt,
      retiredAt: null,
      expiresAt: null,
    };
    return { record, loaded: { record, privateKey, publicKey } };
  }

  private unseal(record: SigningKeyRecord): LoadedKey {
    const bytes = open(this.kek, record.privateSealed, `signing-key:${record.kid}`);
    if (bytes === null) {
      throw new ConfigError(
        'ERR_CONFIG_KEK_MISMATCH',
        `signing key ${record.kid} cannot be decrypted: wrong key-encryption key (TESSERA_KEK or kek.key)`,
      );
    }
    const privateKey = importJwk(JSON.parse(bytes.toString('utf8')) as Jwk, { alg: record.alg as Alg });
    const publicKey = privateKey.type === 'secret' ? undefined : importJwk(record.publicJwk as Jwk);
    return { record, privateKey, publicKey };
  }
}
