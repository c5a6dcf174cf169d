import type { Command } from 'commander';
import { CLI_ACTOR, type StoreOptions, withRuntime } from '../config-options.js';
import { CliError } from '../errors.js';
import { isoOrDash } from '../format.js';
import { withConfigOptions } from '../options.js';

/**
 * Registers `tessera revoke --all`: after a breach, every access token issued until now is
 * refused (one revocation entry). Sessions and refresh tokens stay: clients refresh and get new
 * tokens. `--all` is required, so that a bare `tessera revoke` never revokes everything.
 *
 * @example
 * revokeCommand(program); // tessera revoke --all --data-dir ./data
 */
export function revokeCommand(program: Command): void {
  withConfigOptions(
    program
      .command('revoke')
      .description(
        'revoke every access token issued until now (a breach); sessions stay: clients refresh ' +
          'and get new tokens. The server refuses the old tokens within ~1 s, guards at their next feed poll',
      )
      .option('--all', 'every access token of every user and client (required)'),
  ).action(async (opts: StoreOptions & { all?: boolean }) => {
    if (opts.all !== true) throw new CliError('ERR_CLI_USAGE', 'say what to revoke: tessera revoke --all');
    await withRuntime(opts, async ({ service }) => {
      const entry = await service.revocations.revokeAll(service.clock.now(), CLI_ACTOR);
      process.stdout.write(
        `every access token issued before ${isoOrDash(entry.before * 1000)} is revoked; ` +
          'sessions stay: clients refresh and get new tokens\n',
      );
    });
  });
}
