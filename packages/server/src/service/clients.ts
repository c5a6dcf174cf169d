import { randomUUID } from 'node:crypto';
import { createKeySet, exportJwk, type KeySet } from '@tessera/jwt';
import type { ClientAuthMethod, ClientRecord, Store } from '../store/index.js';
import type { RequestMeta } from './accounts.js';
import type { AuditLog } from './audit.js';
import type { Clock } from './clock.js';
import type { Revocations } from './revocations.js';
import { hashToken, randomToken } from './secrets.js';

/** The grant types a registered client may be allowed. */
export const CLIENT_GRANT_TYPES = ['client_credentials', 'refresh_token'] as const;
export type ClientGrantType = (typeof CLIENT_GRANT_TYPES)[number];

/** How registered clients may authenticate (the first-party app uses `none`, see FIRST_PARTY_CLIENT_ID). */
export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;

/** What `add` takes. Defaults: `client_secret_basic`, `client_credentials`, no scopes. */
export interface NewClientInput {
  name: string;
  scopes?: readonly string[];
  grantTypes?: readonly string[];
  authMethod?: string;
  /** The client's public JWKS: required for `private_key_jwt`, refused otherwise. */
  jwks?: unknown;
}

/** Why a client was not registered; {@link describeClientProblem} turns it into a fixed message. */
export type ClientProblem =
  | 'invalid-name'
  | 'invalid-scope'
  | 'invalid-grant-type'
  | 'invalid-auth-method'
  | 'invalid-jwks'
  | 'jwks-required'
  | 'jwks-not-allowed';

export type AddClientResult =
  | { status: 'created'; client: ClientRecord; secret: string | null }
  | { status: 'invalid'; problem: ClientProblem };

export type RotateSecretResult =
  | { status: 'ok'; client: ClientRecord; secret: string }
  | { status: 'not-found' }
  | { status: 'no-secret' };

/** Who made an admin change, for the audit row. */
export interface ClientActor {
  userId?: string;
  meta?: RequestMeta;
}

/** No control or format characters (bidi overrides): names are shown in terminals. */
const NAME = /^[^\p{Cc}\p{Cf}]{1,64}$/u;
/** RFC 6749 §3.3 scope-token: printable ASCII but space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;
const MAX_SCOPES = 64;
const MAX_JWKS_BYTES = 64 * 1024;

/**
 * Parses a space-separated `scope` value (RFC 6749 §3.3) into unique scope tokens; null when a
 * token is malformed or there are too many.
 *
 * @example
 * parseScope('invoices:read invoices:write'); // ['invoices:read', 'invoices:write']
 */
export function parseScope(value: string): string[] | null {
  const scopes = [...new Set(value.split(' ').filter((s) => s !== ''))];
  return scopes.length <= MAX_SCOPES && scopes.every((s) => SCOPE_TOKEN.test(s)) ? scopes : null;
}

/**
 * The fixed message of a {@link ClientProblem}: it never echoes the input.
 *
 * @example
 * sendError(reply, 400, 'invalid_request', describeClientProblem(result.problem));
 */
export function describeClientProblem(problem: ClientProblem): string {
  switch (problem) {
    case 'invalid-name':
      return 'name must be 1 to 64 characters without control characters';
    case 'invalid-scope':
      return `scopes are 1 to 128 printable ASCII characters without spaces, quotes or backslashes; at most ${MAX_SCOPES}`;
    case 'invalid-grant-type':
      return `grant types are ${CLIENT_GRANT_TYPES.join(' and ')}; give at least one`;
    case 'invalid-auth-method':
      return `the authentication method is one of ${CLIENT_AUTH_METHODS.join(', ')}`;
    case 'invalid-jwks':
      return 'the JWKS must hold public signature keys (no private members; a kid on each when there are several; at most 64 KiB)';
    case 'jwks-required':
      return 'private_key_jwt needs the public JWKS of the client';
    case 'jwks-not-allowed':
      return 'a JWKS is only for private_key_jwt clients';
  }
}

/**
 * A client as admins see it (HTTP API and CLI): never the secret or its hash.
 *
 * @example
 * reply.send(publicClient(client));
 */
export function publicClient(client: ClientRecord) {
  return {
    client_id: client.id,
    name: client.name,
    token_endpoint_auth_method: client.authMethod,
    grant_types: client.grantTypes,
    scopes: client.scopes,
    ...(client.jwks === null ? {} : { jwks: client.jwks }),
    created_at: new Date(client.createdAt).toISOString(),
    updated_at: new Date(client.updatedAt).toISOString(),
  };
}

/**
 * Registered OAuth clients: registration, secret rotation and removal, each audited. A secret is
 * 256 random bits, returned once and stored only as its SHA-256.
 *
 * @example
 * const result = await clients.add({ name: 'billing', scopes: ['invoices:read'] });
 * if (result.status === 'created') print(result.client.id, result.secret);
 */
export class Clients {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly revocations: Revocations,
  ) {}

  /** Registers a client; the secret (null for `private_key_jwt`) is in the result and nowhere else. */
  async add(input: NewClientInput, actor: ClientActor = {}): Promise<AddClientResult> {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!NAME.test(name)) return { status: 'invalid', problem: 'invalid-name' };
    const scopes = [...new Set(input.scopes ?? [])];
    if (scopes.length > MAX_SCOPES || !scopes.every((s) => SCOPE_TOKEN.test(s))) {
      return { status: 'invalid', problem: 'invalid-scope' };
    }
    const grantTypes = [...new Set(input.grantTypes ?? ['client_credentials'])];
    if (
      grantTypes.length === 0 ||
      !grantTypes.every((g) => (CLIENT_GRANT_TYPES as readonly string[]).includes(g))
    ) {
      return { status: 'invalid', problem: 'invalid-grant-type' };
    }
    const authMethod = input.authMethod ?? 'client_secret_basic';
    if (!(CLIENT_AUTH_METHODS as readonly string[]).includes(authMethod)) {
      return { status: 'invalid', problem: 'invalid-auth-method' };
    }
    let jwks: ClientRecord['jwks'] = null;
    let signingAlgs: string[] = [];
    if (authMethod === 'private_key_jwt') {
      if (input.jwks === undefined) return { status: 'invalid', problem: 'jwks-required' };
      const keySet = publicKeySet(input.jwks);
      if (keySet === null) return { status: 'invalid', problem: 'invalid-jwks' };
      // Stored as re-exported: public members only, each key with the one alg it is bound to.
      jwks = { keys: keySet.keys.map((key) => ({ ...exportJwk(key) })) };
      signingAlgs = [...new Set(keySet.keys.map((key) => key.alg))];
    } else if (input.jwks !== undefined) {
      return { status: 'invalid', problem: 'jwks-not-allowed' };
    }
    const secret = authMethod === 'private_key_jwt' ? null : randomToken();
    const now = this.clock.now();
    const result = await this.store.clients.create({
      id: randomUUID(),
      name,
      authMethod: authMethod as ClientAuthMethod,
      secretHash: secret === null ? null : hashToken(secret),
      jwks,
      signingAlgs,
      grantTypes,
      scopes,
      now,
    });
    // A random UUID colliding is not an outcome to handle.
    if (result.status !== 'created') throw new Error('client id collision');
    await this.audit.record('client-created', {
      userId: actor.userId,
      meta: actor.meta,
      details: { clientId: result.client.id, name, authMethod, grantTypes, scopes },
    });
    return { status: 'created', client: result.client, secret };
  }

  /** Every registered client, ordered by id. */
  async list(): Promise<ClientRecord[]> {
    const all: ClientRecord[] = [];
    for (let after: string | undefined; ; ) {
      const page = await this.store.clients.list({ limit: 500, ...(after === undefined ? {} : { after }) });
      all.push(...page);
      if (page.length < 500) return all;
      after = page.at(-1)?.id;
    }
  }

  /** One client, or null. */
  find(id: string): Promise<ClientRecord | null> {
    return this.store.clients.find(id);
  }

  /** A new secret; the old one stops working at once. Tokens already issued stay valid. */
  async rotateSecret(id: string, actor: ClientActor = {}): Promise<RotateSecretResult> {
    const client = await this.store.clients.find(id);
    if (client === null) return { status: 'not-found' };
    if (client.authMethod === 'private_key_jwt') return { status: 'no-secret' };
    const secret = randomToken();
    const updated = await this.store.clients.setSecretHash(id, hashToken(secret), this.clock.now());
    if (updated === null) return { status: 'not-found' };
    await this.audit.record('client-secret-rotated', {
      userId: actor.userId,
      meta: actor.meta,
      details: { clientId: updated.id },
    });
    return { status: 'ok', client: updated, secret };
  }

  /**
   * Removes a client: it can no longer authenticate, its access tokens introspect as inactive,
   * and a per-subject revocation entry (`sub` is the client) tells every guard to refuse them.
   */
  async remove(id: string, actor: ClientActor = {}): Promise<boolean> {
    const client = await this.store.clients.find(id);
    if (client === null || !(await this.store.clients.delete(id))) return false;
    await this.revocations.revokeUser(client.id, this.clock.now());
    await this.audit.record('client-removed', {
      userId: actor.userId,
      meta: actor.meta,
      details: { clientId: client.id, name: client.name },
    });
    return true;
  }
}

/** The usable public signature keys of a JWKS, or null: private members, secrets or no key at all. */
function publicKeySet(jwks: unknown): KeySet | null {
  try {
    if (JSON.stringify(jwks).length > MAX_JWKS_BYTES) return null;
    const keySet = createKeySet(jwks as { keys: [] }, { publicOnly: true });
    const { keys } = keySet;
    if (keys.length === 0 || !keys.every((key) => key.type === 'public')) return null;
    // Without a kid on each, an assertion's header could not name its key among several.
    return keys.length === 1 || keys.every((key) => key.kid !== undefined) ? keySet : null;
  } catch {
    return null;
  }
}
