import { readFile, stat } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import {
  CLIENT_AUTH_METHODS,
  CLIENT_GRANT_TYPES,
  describeClientProblem,
  publicClient,
} from '../../service/index.js';
import type { ClientRecord } from '../../store/index.js';
import { CLI_ACTOR, type StoreOptions, withRuntime } from '../config-options.js';
import { CliError } from '../errors.js';
import { isoOrDash, safeJson, table } from '../format.js';
import { withConfigOptions } from '../options.js';

interface AddOptions extends StoreOptions {
  scope?: string[];
  auth?: string;
  jwksFile?: string;
  grant?: string[];
  json?: boolean;
}

const MAX_JWKS_FILE = 64 * 1024;

const ADD_HELP = `
The secret is printed once, on standard output, and only its SHA-256 is stored:
keep it now. A private_key_jwt client has no secret; it signs assertions with the
private key of the public JWKS given with --jwks-file.

Examples:
  $ tessera clients add billing --scope invoices:read --scope invoices:write
  $ tessera clients add reports --auth client_secret_post --scope "reports:read reports:export"
  $ tessera clients add batch --auth private_key_jwt --jwks-file ./batch.jwks.json --json`;

/** A table cell that can't drive the terminal: control and bidi characters escaped. */
function cell(text: string): string {
  return safeJson(text).slice(1, -1);
}

/** Scope values from repeated or space-separated `--scope`. */
function scopesOf(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(' ')).filter((v) => v !== '');
}

async function readJwks(file: string): Promise<unknown> {
  try {
    if ((await stat(file)).size > MAX_JWKS_FILE)
      throw new CliError('ERR_CLI_INPUT', `${file} is larger than 64 KiB`);
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError('ERR_CLI_INPUT', `cannot read a JSON JWKS from ${file}`);
  }
}

function printSecret(client: ClientRecord, secret: string | null, json: boolean | undefined): void {
  if (json) {
    const body = { ...publicClient(client), ...(secret === null ? {} : { client_secret: secret }) };
    process.stdout.write(`${safeJson(body, 2)}\n`);
    return;
  }
  process.stdout.write(`client_id      ${client.id}\n`);
  if (secret !== null) {
    process.stdout.write(`client_secret  ${secret}\n`);
    process.stdout.write('the secret is shown this once and stored only as a hash: keep it now\n');
  }
}

/**
 * Registers `tessera clients add|list|rotate-secret|remove`, all through the service layer.
 *
 * @example
 * clientsCommand(program); // tessera clients add billing --scope invoices:read
 */
export function clientsCommand(program: Command): void {
  const clients = program
    .command('clients')
    .description('OAuth clients for services: add, list, rotate a secret, remove');

  withConfigOptions(
    clients
      .command('add')
      .description('register a client; prints its client_id and, once, its secret')
      .argument('<name>', 'a name for people, e.g. billing-service')
      .option('--scope <scopes...>', 'scopes it may ask for: --scope a b, --scope repeated, or "a b"')
      .addOption(
        new Option('--auth <method>', 'how it authenticates')
          .choices([...CLIENT_AUTH_METHODS])
          .default('client_secret_basic'),
      )
      .option('--jwks-file <file>', 'its public JWKS (JSON), for private_key_jwt')
      .addOption(
        new Option('--grant <grants...>', 'grant types (default client_credentials)').choices([
          ...CLIENT_GRANT_TYPES,
        ]),
      )
      .option('--json', 'print JSON')
      .addHelpText('after', ADD_HELP),
  ).action(async (name: string, opts: AddOptions) => {
    const jwks = opts.jwksFile === undefined ? undefined : await readJwks(opts.jwksFile);
    await withRuntime(
      opts,
      async ({ service }) => {
        const result = await service.clients.add(
          {
            name,
            scopes: scopesOf(opts.scope),
            ...(opts.grant === undefined ? {} : { grantTypes: opts.grant }),
            ...(opts.auth === undefined ? {} : { authMethod: opts.auth }),
            ...(jwks === undefined ? {} : { jwks }),
          },
          CLI_ACTOR,
        );
        if (result.status === 'invalid')
          throw new CliError('ERR_CLI_USAGE', describeClientProblem(result.problem));
        printSecret(result.client, result.secret, opts.json);
      },
      { create: true },
    );
  });

  withConfigOptions(
    clients.command('list').description('list the clients (never a secret)').option('--json', 'print JSON'),
  ).action(async (opts: StoreOptions & { json?: boolean }) => {
    await withRuntime(opts, async ({ service }) => {
      const all = await service.clients.list();
      if (opts.json) {
        process.stdout.write(`${safeJson(all.map(publicClient), 2)}\n`);
        return;
      }
      if (all.length === 0) {
        process.stdout.write('no clients yet: add one with `tessera clients add NAME`\n');
        return;
      }
      const rows = all.map((c) => [
        cell(c.name),
        c.id,
        c.authMethod,
        c.grantTypes.join(','),
        cell(c.scopes.join(' ')) || '-',
        isoOrDash(c.createdAt),
      ]);
      process.stdout.write(`${table(['NAME', 'CLIENT_ID', 'AUTH', 'GRANTS', 'SCOPES', 'CREATED'], rows)}\n`);
    });
  });

  withConfigOptions(
    clients
      .command('rotate-secret')
      .description('give a client a new secret (printed once); the old one stops working at once')
      .argument('<client_id>', 'the client')
      .option('--json', 'print JSON'),
  ).action(async (id: string, opts: StoreOptions & { json?: boolean }) => {
    await withRuntime(opts, async ({ service }) => {
      const result = await service.clients.rotateSecret(id, CLI_ACTOR);
      if (result.status === 'not-found')
        throw new CliError('ERR_CLI_NOT_FOUND', `no client with id ${cell(id)}`);
      if (result.status === 'no-secret')
        throw new CliError('ERR_CLI_USAGE', 'this client authenticates with private_key_jwt');
      printSecret(result.client, result.secret, opts.json);
    });
  });

  withConfigOptions(
    clients
      .command('remove')
      .description('remove a client: it can no longer get tokens, and its tokens introspect as inactive')
      .argument('<client_id>', 'the client'),
  ).action(async (id: string, opts: StoreOptions) => {
    await withRuntime(opts, async ({ service }) => {
      if (!(await service.clients.remove(id, CLI_ACTOR)))
        throw new CliError('ERR_CLI_NOT_FOUND', `no client with id ${cell(id)}`);
      process.stdout.write(`removed client ${cell(id)}\n`);
    });
  });
}
