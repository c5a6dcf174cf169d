import { timingSafeEqual } from 'node:crypto';
import { type Alg, createKeySet, decodeJwtUnverified, type Jwk, type KeySet, verifyJwt } from '@tessera/jwt';
import type { ClientRecord, Store } from '../store/index.js';
import type { Clock } from './clock.js';
import { hashToken } from './secrets.js';
import { FIRST_PARTY_CLIENT_ID } from './tokens.js';

/** The client credentials of one request, as the HTTP layer found them (RFC 6749 §2.3, RFC 7523 §2.2). */
export type ClientCredentials =
  | { method: 'client_secret_basic' | 'client_secret_post'; clientId: string; secret: string }
  | { method: 'private_key_jwt'; clientId: string | undefined; assertion: string }
  | { method: 'none'; clientId: string };

/** A client that proved who it is. */
export interface AuthenticatedClient {
  id: string;
  /** The first-party public client ({@link FIRST_PARTY_CLIENT_ID}): users' sessions are its grants. */
  firstParty: boolean;
  grantTypes: readonly string[];
  scopes: readonly string[];
}

/** Why authentication failed; for tests and logs, never for the client (it gets `invalid_client`). */
export type ClientAuthFailure =
  | 'unknown-client'
  | 'wrong-method'
  | 'wrong-secret'
  | 'invalid-assertion'
  | 'assertion-replayed'
  | 'public-client-refused';

export type ClientAuthResult =
  | { status: 'ok'; client: AuthenticatedClient }
  | { status: 'invalid'; reason: ClientAuthFailure };

/** The first-party app: a public client that refreshes and revokes users' tokens. */
const FIRST_PARTY: AuthenticatedClient = Object.freeze({
  id: FIRST_PARTY_CLIENT_ID,
  firstParty: true,
  grantTypes: Object.freeze(['refresh_token']),
  scopes: Object.freeze([]),
});

/** Leeway for the client's clock on `exp`, `nbf` and `iat` of an assertion. */
const ASSERTION_SKEW_SECONDS = 30;
/** An assertion may not live longer than this: its `jti` is remembered until it expires. */
const MAX_ASSERTION_SECONDS = 300;
const MAX_JTI_LENGTH = 256;
const ASSERTION_TYPES = new Set(['jwt', 'client-authentication+jwt']);
/** Compared when the client is unknown, so that case costs the same hash and compare. */
const DUMMY_HASH = hashToken('tessera/no-such-client');

/**
 * Authenticates OAuth clients: secrets by SHA-256 compared in constant time, `private_key_jwt`
 * assertions (RFC 7523) against the client's registered JWKS with a single-use `jti` kept in the
 * store, so a replay fails on every instance.
 *
 * @example
 * const result = await auth.authenticate({ method: 'client_secret_basic', clientId, secret }, tokenEndpoint, { allowPublic: true });
 * if (result.status !== 'ok') return invalidClient();
 */
export class ClientAuthenticator {
  private readonly keySets = new Map<string, { updatedAt: number; keySet: KeySet }>();

  constructor(
    private readonly store: Pick<Store, 'clients' | 'tokenIds'>,
    private readonly clock: Clock,
    /** The issuer and the token endpoint URL: what an assertion's `aud` may name, besides the endpoint called. */
    private readonly audiences: readonly string[],
  ) {}

  /**
   * `endpoint`: the URL of the endpoint called (an accepted assertion audience). `allowPublic`:
   * whether the first-party public client may come without credentials.
   */
  async authenticate(
    credentials: ClientCredentials,
    endpoint: string,
    opts: { allowPublic: boolean },
  ): Promise<ClientAuthResult> {
    switch (credentials.method) {
      case 'none':
        if (credentials.clientId === FIRST_PARTY_CLIENT_ID && opts.allowPublic) {
          return { status: 'ok', client: FIRST_PARTY };
        }
        return { status: 'invalid', reason: 'public-client-refused' };
      case 'private_key_jwt':
        return this.assertion(credentials.clientId, credentials.assertion, endpoint);
      default:
        return this.secret(credentials.method, credentials.clientId, credentials.secret);
    }
  }

  private async secret(method: string, clientId: string, secret: string): Promise<ClientAuthResult> {
    const client = await this.store.clients.find(clientId);
    const presented = Buffer.from(hashToken(secret));
    const stored = Buffer.from(client?.secretHash ?? DUMMY_HASH);
    const match = presented.length === stored.length && timingSafeEqual(presented, stored);
    if (client === null) return { status: 'invalid', reason: 'unknown-client' };
    if (client.authMethod !== method) return { status: 'invalid', reason: 'wrong-method' };
    if (client.secretHash === null || !match) return { status: 'invalid', reason: 'wrong-secret' };
    return { status: 'ok', client: authenticated(client) };
  }

  private async assertion(
    clientId: string | undefined,
    assertion: string,
    endpoint: string,
  ): Promise<ClientAuthResult> {
    const invalid = { status: 'invalid', reason: 'invalid-assertion' } as const;
    let subject: unknown;
    try {
      subject = decodeJwtUnverified(assertion).payload.sub;
    } catch {
      return invalid;
    }
    // RFC 7523 §3: the subject is the client; a client_id sent beside it must agree.
    if (typeof subject !== 'string' || (clientId !== undefined && clientId !== subject)) return invalid;
    const client = await this.store.clients.find(subject);
    if (client === null) return { status: 'invalid', reason: 'unknown-client' };
    if (client.authMethod !== 'private_key_jwt') return { status: 'invalid', reason: 'wrong-method' };
    const now = this.clock.now();
    let exp: number;
    let jti: unknown;
    try {
      const { header, payload } = verifyJwt(assertion, this.keySetOf(client), {
        algorithms: client.signingAlgs as Alg[],
        issuer: client.id,
        subject: client.id,
        audience: [...this.audiences, endpoint],
        requiredClaims: ['jti'],
        clockTolerance: ASSERTION_SKEW_SECONDS,
        now: new Date(now),
      });
      // An assertion is a plain JWT; an access token or a DPoP proof of the client's is not one.
      const typ =
        typeof header.typ === 'string' ? header.typ.toLowerCase().replace(/^application\//, '') : 'jwt';
      if (!ASSERTION_TYPES.has(typ)) return invalid;
      exp = payload.exp as number;
      jti = payload.jti;
    } catch {
      return invalid;
    }
    if (exp * 1000 > now + (MAX_ASSERTION_SECONDS + ASSERTION_SKEW_SECONDS) * 1000) return invalid;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) return invalid;
    const first = await this.store.tokenIds.add(
      'client-assertion',
      `${client.id}:${jti}`,
      (exp + ASSERTION_SKEW_SECONDS) * 1000,
      now,
    );
    if (!first) return { status: 'invalid', reason: 'assertion-replayed' };
    return { status: 'ok', client: authenticated(client) };
  }

  /** The client's keys, imported once per version of the client. */
  private keySetOf(client: ClientRecord): KeySet {
    const cached = this.keySets.get(client.id);
    if (cached !== undefined && cached.updatedAt === client.updatedAt) return cached.keySet;
    const keySet = createKeySet((client.jwks ?? { keys: [] }) as { keys: Jwk[] }, { publicOnly: true });
    if (this.keySets.size >= 256) this.keySets.clear();
    this.keySets.set(client.id, { updatedAt: client.updatedAt, keySet });
    return keySet;
  }
}

function authenticated(client: ClientRecord): AuthenticatedClient {
  return { id: client.id, firstParty: false, grantTypes: client.grantTypes, scopes: client.scopes };
}
