/** How a client proves who it is at the token, revocation and introspection endpoints. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/** A registered OAuth client (a service, a third-party integration). Times are epoch ms. */
export interface ClientRecord {
  /** The `client_id`: generated, never chosen by a caller. */
  id: string;
  /** A display name for people (CLI, admin API); not unique. */
  name: string;
  authMethod: ClientAuthMethod;
  /** SHA-256 of the secret (base64url); null for `private_key_jwt` clients. The store never sees a secret. */
  secretHash: string | null;
  /** The public JWKS that verifies the client's assertions (`private_key_jwt` only), as registered. */
  jwks: { keys: Record<string, unknown>[] } | null;
  /** The algorithms its assertions may use (`private_key_jwt` only). */
  signingAlgs: string[];
  /** e.g. `client_credentials`, `refresh_token`. */
  grantTypes: string[];
  /** The scopes it may ask for. */
  scopes: string[];
  createdAt: number;
  updatedAt: number;
}

/** What the caller supplies to register a client; `now` becomes `createdAt` and `updatedAt`. */
export interface NewClient {
  id: string;
  name: string;
  authMethod: ClientAuthMethod;
  secretHash: string | null;
  jwks: { keys: Record<string, unknown>[] } | null;
  signingAlgs: readonly string[];
  grantTypes: readonly string[];
  scopes: readonly string[];
  now: number;
}

/** A taken id is an expected outcome, so it is a result, never a thrown SQL error. */
export type CreateClientResult = { status: 'created'; client: ClientRecord } | { status: 'duplicate-id' };

/** Keyset paging ordered by id: pass the last id of the previous page as `after`. */
export interface ListClientsOptions {
  limit: number;
  after?: string | undefined;
}

/**
 * Registered OAuth clients. Secrets are stored only as hashes computed by the caller.
 *
 * @example
 * const result = await store.clients.create({ id: randomUUID(), name: 'billing', authMethod: 'client_secret_basic',
 *   secretHash: hashToken(secret), jwks: null, signingAlgs: [], grantTypes: ['client_credentials'], scopes: ['invoices:read'], now });
 * await store.clients.find(id);
 */
export interface ClientStore {
  /** Inserts the client unless its id is taken. Atomic: of two concurrent creates with one id, exactly one is 'created'. */
  create(client: NewClient): Promise<CreateClientResult>;
  find(id: string): Promise<ClientRecord | null>;
  /** One page ordered by id. */
  list(options: ListClientsOptions): Promise<ClientRecord[]>;
  /** Replaces the secret hash; returns the updated client, or null if there is no such client. */
  setSecretHash(id: string, secretHash: string, now: number): Promise<ClientRecord | null>;
  /** True if a row was deleted. */
  delete(id: string): Promise<boolean>;
}
