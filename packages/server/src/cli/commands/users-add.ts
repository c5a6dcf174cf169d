import type { Command } from 'commander';
import { isEmail } from '../../service/accounts.js';
import { describePasswordProblem } from '../../service/passwords.js';
import { normalizeEmail } from '../../store/index.js';
import { CLI_ACTOR, type StoreOptions, withRuntime } from '../config-options.js';
import { CliError } from '../errors.js';
import { safeText } from '../format.js';
import { withConfigOptions } from '../options.js';
import {
  PASSWORD_HELP,
  type PasswordOptions,
  parseNames,
  readNewPassword,
  refusePasswordArgument,
  withPasswordOptions,
} from './users-support.js';

interface AddOptions extends StoreOptions, PasswordOptions {
  role?: string[];
  permission?: string[];
}

const HELP = `${PASSWORD_HELP}

Examples:
  $ tessera users add ada@example.com --role admin
  $ printf '%s' "$PASSWORD" | tessera users add ops@example.com --password-stdin --role ops --permission reports:read`;

/** `tessera users add EMAIL [--password-stdin] [--role ROLE …] [--permission P …]`. */
export function addUserCommand(users: Command): void {
  withConfigOptions(
    withPasswordOptions(
      users
        .command('add')
        .description('create an account (roles default to "user")')
        .argument('<email>', 'the email address to log in with'),
    )
      .option('--role <roles...>', 'roles to grant: --role admin ops, or --role repeated (default: user)')
      .option('--permission <permissions...>', 'permissions to grant, like --role')
      .addHelpText('after', HELP),
  ).action(async (email: string, opts: AddOptions) => {
    refusePasswordArgument(opts);
    const invalidEmail = () =>
      new CliError('ERR_CLI_USAGE', `${JSON.stringify(email)} is not a valid email address`);
    if (!isEmail(normalizeEmail(email))) throw invalidEmail();
    const roles = opts.role === undefined ? ['user'] : parseNames(opts.role, 'role');
    const permissions = parseNames(opts.permission, 'permission');
    const exists = () =>
      new CliError('ERR_CLI_CONFLICT', `a user with email ${safeText(normalizeEmail(email))} already exists`);

    await withRuntime(
      opts,
      async ({ service }) => {
        // Before asking for a password that would be thrown away.
        if ((await service.users.findByEmail(email)) !== null) throw exists();
        const password = await readNewPassword(opts, email);
        const result = await service.accounts.register(email, password, { roles, permissions, ...CLI_ACTOR });
        switch (result.status) {
          case 'created':
            process.stdout.write(
              `created ${safeText(result.user.email)} (id ${result.user.id}) with roles ${result.user.roles.join(', ') || '-'}` +
                (result.user.permissions.length > 0
                  ? ` and permissions ${result.user.permissions.join(', ')}`
                  : '') +
                '\n',
            );
            return;
          case 'duplicate-email':
            throw exists();
          case 'invalid-email':
            throw invalidEmail();
          default:
            throw new CliError('ERR_CLI_INPUT', describePasswordProblem(result.problem));
        }
      },
      { create: true },
    );
  });
}
