import type { Command } from 'commander';
import { CLI_ACTOR, type StoreOptions, withRuntime } from '../config-options.js';
import { CliError } from '../errors.js';
import { isoOrDash, safeJson, safeText, table } from '../format.js';
import { withConfigOptions } from '../options.js';

/**
 * Registers `tessera keys list|rotate|revoke|jwks`.
 *
 * @example
 * keysCommand(program); // tessera keys rotate --now --data-dir ./data
 */
export function keysCommand(program: Command): void {
  const keys = program
    .command('keys')
    .description('signing keys: list them, rotate them, revoke a compromised one, print the JWKS');

  withConfigOptions(
    keys
      .command('list')
      .description('list the signing keys with their schedule and state (next, active, retired)')
      .option('--json', 'print JSON'),
  ).action(async (opts: StoreOptions & { json?: boolean }) => {
    await withRuntime(opts, async ({ service }) => {
      const rows = service.keys.status().map((k) => ({
        kid: k.kid,
        alg: k.alg,
        state: k.state,
        created_at: isoOrDash(k.createdAt),
        activates_at: isoOrDash(k.activatesAt),
        retires_at: isoOrDash(k.retiredAt),
        expires_at: isoOrDash(k.expiresAt),
      }));
      if (opts.json) {
        process.stdout.write(`${safeJson(rows, 2)}\n`);
        return;
      }
      process.stdout.write(
        `${table(
          ['KID', 'ALG', 'STATE', 'ACTIVATES', 'RETIRES', 'EXPIRES'],
          rows.map((r) => [r.kid, r.alg, r.state, r.activates_at, r.retires_at, r.expires_at]),
        )}\n`,
      );
    });
  });

  withConfigOptions(
    keys
      .command('rotate')
      .description(
        'make a new signing key; it is published at once and signs after the JWKS caches have ' +
          'refreshed, or at once with --now (after a compromise). A running server picks it up within ~10 s',
      )
      .option('--now', 'sign with the new key at once instead of after the pre-publication delay'),
  ).action(async (opts: StoreOptions & { now?: boolean }) => {
    await withRuntime(opts, async ({ service }) => {
      const previous = service.keys.status().find((k) => k.state === 'active');
      const record = await service.keys.rotate({ immediate: opts.now === true, actor: CLI_ACTOR });
      const when = opts.now ? 'now' : `from ${isoOrDash(record.activatesAt)}`;
      process.stdout.write(`new key ${record.kid} (${record.alg}) is published and signs ${when}\n`);
      const updated = service.keys.list().find((k) => k.kid === previous?.kid);
      if (updated !== undefined) {
        process.stdout.write(
          `key ${updated.kid} signs until ${isoOrDash(updated.retiredAt)} ` +
            `and stays in the JWKS until ${isoOrDash(updated.expiresAt)}\n`,
        );
      }
      process.stdout.write('a running server loads the new key within ~10 s\n');
    });
  });

  withConfigOptions(
    keys
      .command('revoke')
      .argument('<kid>', 'the kid of the compromised key (see `tessera keys list`)')
      .description(
        'revoke a compromised signing key: if it signs, a new key signs at once; it leaves the JWKS, ' +
          'and every token it signed is refused (the server within ~1 s, guards at their next feed poll). ' +
          'Revoking it again changes nothing',
      ),
  ).action(async (kid: string, opts: StoreOptions) => {
    await withRuntime(opts, async ({ service }) => {
      const result = await service.keys.revoke(kid, { actor: CLI_ACTOR });
      const shown = safeText(kid);
      if (result.status === 'not-found') throw new CliError('ERR_CLI_NOT_FOUND', `no signing key ${shown}`);
      if (result.status === 'already-revoked') {
        process.stdout.write(`key ${shown} was already revoked: nothing changed\n`);
        return;
      }
      if (result.replacement !== null) {
        process.stdout.write(
          `new key ${result.replacement.kid} (${result.replacement.alg}) is published and signs now\n`,
        );
      }
      process.stdout.write(
        `key ${shown} is revoked: it left the JWKS, and every token it signed is refused ` +
          `(the revocation feed carries it until ${isoOrDash(result.expires * 1000)})\n`,
      );
    });
  });

  withConfigOptions(
    keys.command('jwks').description('print the public JWK Set, as served at /.well-known/jwks.json'),
  ).action(async (opts: StoreOptions) => {
    await withRuntime(opts, async ({ service }) => {
      process.stdout.write(`${safeJson(service.keys.jwks(), 2)}\n`);
    });
  });
}
