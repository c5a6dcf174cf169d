import type { Command } from 'commander';
import type { UpdateUserResult } from '../../service/index.js';
import type { User } from '../../store/index.js';
import { CLI_ACTOR, type StoreOptions, withRuntime } from '../config-options.js';
import { CliError } from '../errors.js';
import { safeText } from '../format.js';
import { withConfigOptions } from '../options.js';
import {
  findUser,
  lastAdmin,
  noSuchUser,
  PASSWORD_HELP,
  type PasswordOptions,
  parseNames,
  readNewPassword,
  refusePasswordArgument,
  withPasswordOptions,
} from './users-support.js';

/** The user an update returned, or the CliError for its refusal. */
function updated(result: UpdateUserResult, user: User): User {
  if (result.status === 'not-found') throw noSuchUser(user.email);
  if (result.status === 'last-admin') throw lastAdmin(user.email);
  return result.user;
}

const SET_PASSWORD_HELP = `${PASSWORD_HELP}

Every session of the user is revoked with its access tokens: they log in again
with the new password.

Example:
  $ printf '%s' "$NEW_PASSWORD" | tessera users set-password ada@example.com --password-stdin`;

/**
 * Registers the commands that change an account: `set-role`, `set-permissions`,
 * `set-password`, `block`, `unblock` and `delete`. Each writes its audit row (through the
 * service), and none may leave the server without an unblocked admin.
 *
 * @example
 * userChangeCommands(program.command('users'));
 */
export function userChangeCommands(users: Command): void {
  withConfigOptions(
    users
      .command('set-role')
      .description(
        "replace a user's roles; their current access tokens are revoked at once, " +
          'their sessions stay and the next refresh carries the new roles',
      )
      .argument('<email>', 'the account')
      .argument('<roles...>', 'the new roles, e.g. admin user'),
  ).action(async (email: string, roleArgs: string[], opts: StoreOptions) => {
    const roles = parseNames(roleArgs, 'role');
    if (roles.length === 0) throw new CliError('ERR_CLI_USAGE', 'give at least one role');
    await withRuntime(opts, async ({ service }) => {
      const user = await findUser(service, email);
      const changed = updated(await service.accounts.setAccess(user.id, { roles }, CLI_ACTOR), user);
      process.stdout.write(
        `roles of ${safeText(changed.email)}: ${safeText(changed.roles.join(', '))}; ` +
          'current access tokens revoked (sessions stay; the next refresh carries the new roles)\n',
      );
    });
  });

  withConfigOptions(
    users
      .command('set-permissions')
      .description(
        "replace a user's permissions; their current access tokens are revoked at once, " +
          'their sessions stay and the next refresh carries the new permissions',
      )
      .argument('<email>', 'the account')
      .argument('[permissions...]', 'the new permissions, e.g. reports:read invoices:write')
      .option('--none', 'remove every permission'),
  ).action(async (email: string, args: string[], opts: StoreOptions & { none?: boolean }) => {
    const permissions = parseNames(args, 'permission');
    if (permissions.length === 0 && !opts.none) {
      throw new CliError('ERR_CLI_USAGE', 'give at least one permission, or --none to remove them all');
    }
    if (permissions.length > 0 && opts.none) {
      throw new CliError('ERR_CLI_USAGE', 'give permissions or --none, not both');
    }
    await withRuntime(opts, async ({ service }) => {
      const user = await findUser(service, email);
      const changed = updated(await service.accounts.setAccess(user.id, { permissions }, CLI_ACTOR), user);
      process.stdout.write(
        `permissions of ${safeText(changed.email)}: ${safeText(changed.permissions.join(', ') || '-')}; ` +
          'current access tokens revoked (sessions stay; the next refresh carries the new permissions)\n',
      );
    });
  });

  withConfigOptions(
    withPasswordOptions(
      users
        .command('set-password')
        .description("set a user's password (when they lost it); every session of the user is revoked")
        .argument('<email>', 'the account'),
    ).addHelpText('after', SET_PASSWORD_HELP),
  ).action(async (email: string, opts: StoreOptions & PasswordOptions) => {
    refusePasswordArgument(opts);
    await withRuntime(opts, async ({ service }) => {
      const user = await findUser(service, email);
      const password = await readNewPassword(opts, user.email);
      const result = await service.accounts.setPassword(user.id, password, CLI_ACTOR);
      if (result.status === 'not-found') throw noSuchUser(email);
      if (result.status === 'invalid-password') {
        throw new CliError('ERR_CLI_INPUT', 'the password must be 8 to 1024 bytes long');
      }
      process.stdout.write(
        `password of ${safeText(user.email)} set; ${result.revokedSessions} session(s) and their access tokens revoked\n`,
      );
    });
  });

  for (const [name, blocked] of [
    ['block', true],
    ['unblock', false],
  ] as const) {
    withConfigOptions(
      users
        .command(name)
        .description(
          blocked
            ? 'block an account: every session and access token is revoked, login is refused'
            : 'unblock an account: it can log in again (old sessions stay revoked)',
        )
        .argument('<email>', 'the account'),
    ).action(async (email: string, opts: StoreOptions) => {
      await withRuntime(opts, async ({ service }) => {
        const user = await findUser(service, email);
        const changed = updated(await service.accounts.setBlocked(user.id, blocked, CLI_ACTOR), user);
        process.stdout.write(
          blocked
            ? `blocked ${safeText(changed.email)}: every session and access token revoked\n`
            : `unblocked ${safeText(changed.email)}: it can log in again\n`,
        );
      });
    });
  }

  withConfigOptions(
    users
      .command('delete')
      .description(
        'delete an account for good, with its sessions; its access tokens are revoked at once ' +
          '(the audit log keeps its id; `block` is the reversible alternative)',
      )
      .argument('<email>', 'the account'),
  ).action(async (email: string, opts: StoreOptions) => {
    await withRuntime(opts, async ({ service }) => {
      const user = await findUser(service, email);
      const result = await service.accounts.delete(user.id, CLI_ACTOR);
      if (result.status === 'not-found') throw noSuchUser(email);
      if (result.status === 'last-admin') throw lastAdmin(user.email);
      process.stdout.write(
        `deleted ${safeText(user.email)} (id ${user.id}); ${result.revokedSessions} session(s) and their access tokens revoked\n`,
      );
    });
  });
}
