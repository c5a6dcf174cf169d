import type { Command } from 'commander';
import { publicUser } from '../../service/accounts.js';
import type { User } from '../../store/index.js';
import { type StoreOptions, withRuntime } from '../config-options.js';
import { CliError } from '../errors.js';
import { isoOrDash, safeJson, safeText, table } from '../format.js';
import { withConfigOptions } from '../options.js';
import { addUserCommand } from './users-add.js';
import { CLI_ACTOR, findUser, parseNames } from './users-support.js';

/**
 * Registers `tessera users add|list|set-role|block|unblock`, all through the service layer.
 *
 * @example
 * usersCommand(program); // tessera users set-role ada@example.com admin user
 */
export function usersCommand(program: Command): void {
  const users = program
    .command('users')
    .description('manage accounts: add, list, set roles, block and unblock');

  addUserCommand(users);

  withConfigOptions(
    users
      .command('list')
      .description('list every account (never a password hash)')
      .option('--json', 'print JSON'),
  ).action(async (opts: StoreOptions & { json?: boolean }) => {
    await withRuntime(opts, async ({ service }) => {
      const all: User[] = [];
      for (let after: string | undefined; ; ) {
        const page = await service.store.users.list({
          limit: 500,
          ...(after === undefined ? {} : { after }),
        });
        all.push(...page);
        if (page.length < 500) break;
        after = page.at(-1)?.email;
      }
      if (opts.json) {
        process.stdout.write(`${safeJson(all.map(publicUser), 2)}\n`);
        return;
      }
      if (all.length === 0) {
        process.stdout.write('no accounts yet: add one with `tessera users add EMAIL`\n');
        return;
      }
      const rows = all.map((u) => [
        u.email,
        u.id,
        u.roles.join(',') || '-',
        u.permissions.join(',') || '-',
        u.blocked ? 'yes' : 'no',
        isoOrDash(u.createdAt),
      ]);
      process.stdout.write(`${table(['EMAIL', 'ID', 'ROLES', 'PERMISSIONS', 'BLOCKED', 'CREATED'], rows)}\n`);
    });
  });

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
    if (roles.length === 0) throw new CliError('give at least one role');
    await withRuntime(opts, async ({ service }) => {
      const user = await findUser(service, email);
      const result = await service.accounts.setAccess(user.id, { roles }, CLI_ACTOR);
      if (result.status !== 'ok') throw new CliError(`no user with email ${email}`);
      process.stdout.write(
        `roles of ${safeText(result.user.email)}: ${safeText(result.user.roles.join(', '))}; ` +
          'current access tokens revoked (sessions stay; the next refresh carries the new roles)\n',
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
        const result = await service.accounts.setBlocked(user.id, blocked, CLI_ACTOR);
        if (result.status !== 'ok') throw new CliError(`no user with email ${email}`);
        process.stdout.write(
          blocked
            ? `blocked ${safeText(result.user.email)}: every session and access token revoked\n`
            : `unblocked ${safeText(result.user.email)}: it can log in again\n`,
        );
      });
    });
  }
}
