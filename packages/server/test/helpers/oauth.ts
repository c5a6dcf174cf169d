// OAuth clients for tests: registration through the service, form requests through app.inject(),
// and RFC 7523 client assertions signed with @tessera/jwt at the test clock's time.
import { randomUUID } from 'node:crypto';
import { exportJwk, generateKeyPair, type JwtClaims, type Key, signJwt } from '@tessera/jwt';
import type { FastifyInstance } from 'fastify';
import type { NewClientInput, TesseraService } from '../../src/service/index.js';

/** A token response (RFC 6749 §5.1) as the tests read it. */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  scope?: string;
}

/** A registered client with its secret (null for private_key_jwt) and, for those, its private key. */
export interface TestClient {
  id: string;
  secret: string | null;
  privateKey?: Key;
}

/**
 * Registers a client through the service; `private_key_jwt` clients get a fresh Ed25519 key pair.
 *
 * @example
 * const billing = await addClient(t.service, { scopes: ['invoices:read'] });
 */
export async function addClient(
  service: TesseraService,
  input: Partial<NewClientInput> = {},
): Promise<TestClient> {
  let privateKey: Key | undefined;
  let jwks = input.jwks;
  if (input.authMethod === 'private_key_jwt' && jwks === undefined) {
    const pair = generateKeyPair('EdDSA', { kid: randomUUID() });
    privateKey = pair.privateKey;
    jwks = { keys: [exportJwk(pair.publicKey)] };
  }
  const result = await service.clients.add({
    name: 'test client',
    ...input,
    ...(jwks === undefined ? {} : { jwks }),
  });
  if (result.status !== 'created') throw new Error(`client not registered: ${result.problem}`);
  return { id: result.client.id, secret: result.secret, ...(privateKey === undefined ? {} : { privateKey }) };
}

/**
 * `Authorization: Basic …` as RFC 6749 §2.3.1 builds it: each part form-urlencoded first.
 *
 * @example
 * headers: { authorization: basic(client.id, client.secret) }
 */
export function basic(clientId: string, secret: string): string {
  const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

/**
 * POSTs a form-encoded body.
 *
 * @example
 * const res = await postForm(t.app, '/oauth/token', { grant_type: 'client_credentials' }, { authorization });
 */
export function postForm(
  app: FastifyInstance,
  url: string,
  params: Record<string, string | string[]>,
  headers: Record<string, string> = {},
) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  }
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: body.toString(),
  });
}

/**
 * The form parameters of each way a client authenticates, plus headers for Basic.
 *
 * @example
 * const { params, headers } = clientAuth(client, 'client_secret_post');
 */
export function clientAuth(
  client: TestClient,
  method: 'client_secret_basic' | 'client_secret_post',
): { params: Record<string, string>; headers: Record<string, string> } {
  const secret = client.secret ?? '';
  return method === 'client_secret_basic'
    ? { params: {}, headers: { authorization: basic(client.id, secret) } }
    : { params: { client_id: client.id, client_secret: secret }, headers: {} };
}

/**
 * A client assertion (RFC 7523): iss = sub = the client, aud, a fresh jti, 60 s of life from
 * `nowMs`; `claims` overrides or adds (undefined removes); `typ` sets the header's (default JWT).
 *
 * @example
 * const params = assertionParams(client, 'http://127.0.0.1:3000', t.clock.now());
 */
export function assertion(
  client: TestClient,
  audience: string | string[],
  nowMs: number,
  opts: { claims?: Record<string, unknown>; typ?: string; key?: Key } = {},
): string {
  const iat = Math.floor(nowMs / 1000);
  const claims: Record<string, unknown> = {
    iss: client.id,
    sub: client.id,
    aud: audience,
    jti: randomUUID(),
    iat,
    exp: iat + 60,
    ...opts.claims,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  const key = opts.key ?? client.privateKey;
  if (key === undefined) throw new Error('this client has no private key');
  return signJwt(claims as JwtClaims, key, opts.typ === undefined ? {} : { typ: opts.typ });
}

/** The form parameters of a private_key_jwt authentication with `jwt` as the assertion. */
export function assertionParams(jwt: string): Record<string, string> {
  return {
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: jwt,
  };
}
