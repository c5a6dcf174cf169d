import type { Selectable } from 'kysely';
import type {
  ClientAuthMethod,
  ClientRecord,
  ClientStore,
  CreateClientResult,
  ListClientsOptions,
  NewClient,
} from '../contract/clients.js';
import { PreparedQuery } from './prepared.js';
import { affectedRows, parseObject, parseStringArray, type SqlContext } from './rows.js';
import type { OAuthClientsTable } from './schema.js';

/**
 * The SQL {@link ClientStore}.
 *
 * @example
 * const clients = new SqlClientStore({ db, dialect: 'sqlite' });
 * await clients.find(clientId);
 */
export class SqlClientStore implements ClientStore {
  readonly #ctx: SqlContext;
  // Compiled once: every token, revocation and introspection request looks its client up.
  readonly #find: PreparedQuery<'id', Selectable<OAuthClientsTable>>;

  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
    this.#find = new PreparedQuery(['id'], (p) =>
      ctx.db.selectFrom('oauth_clients').selectAll().where('id', '=', p.id),
    );
  }

  async create(client: NewClient): Promise<CreateClientResult> {
    const row = await this.#ctx.db
      .insertInto('oauth_clients')
      .values({
        id: client.id,
        name: client.name,
        auth_method: client.authMethod,
        secret_hash: client.secretHash,
        jwks: client.jwks === null ? null : JSON.stringify(client.jwks),
        signing_algs: JSON.stringify(client.signingAlgs),
        grant_types: JSON.stringify(client.grantTypes),
        scopes: JSON.stringify(client.scopes),
        created_at: client.now,
        updated_at: client.now,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? { status: 'duplicate-id' } : { status: 'created', client: toClient(row) };
  }

  async find(id: string): Promise<ClientRecord | null> {
    const { rows } = await this.#ctx.db.executeQuery(this.#find.bind({ id }));
    const row = rows[0];
    return row === undefined ? null : toClient(row);
  }

  async list(options: ListClientsOptions): Promise<ClientRecord[]> {
    let query = this.#ctx.db.selectFrom('oauth_clients').selectAll().orderBy('id').limit(options.limit);
    if (options.after !== undefined) query = query.where('id', '>', options.after);
    return (await query.execute()).map(toClient);
  }

  async setSecretHash(id: string, secretHash: string, now: number): Promise<ClientRecord | null> {
    const row = await this.#ctx.db
      .updateTable('oauth_clients')
      .set({ secret_hash: secretHash, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? null : toClient(row);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.#ctx.db.deleteFrom('oauth_clients').where('id', '=', id).executeTakeFirst();
    return affectedRows(result.numDeletedRows) > 0;
  }
}

function toClient(row: Selectable<OAuthClientsTable>): ClientRecord {
  const jwks = row.jwks === null ? null : parseObject(row.jwks);
  if (jwks !== null && !Array.isArray(jwks.keys)) throw new TypeError('stored JWKS has no keys array');
  return {
    id: row.id,
    name: row.name,
    authMethod: row.auth_method as ClientAuthMethod,
    secretHash: row.secret_hash,
    jwks: jwks as ClientRecord['jwks'],
    signingAlgs: parseStringArray(row.signing_algs),
    grantTypes: parseStringArray(row.grant_types),
    scopes: parseStringArray(row.scopes),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
