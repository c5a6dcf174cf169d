import { type Command, Option } from 'commander';
import { isEmail } from '../../service/accounts.js';
import { checkNewPassword, describePasswordProblem } from '../../service/passwords.js';
import { normalizeEmail } from '../../store/index.js';
import { type StoreOptions, withRuntime } from '../config-options.js';
import { CliError } from '../errors.js';
import { safeText } from '../format.js';
import { withConfigOptions } from '../options.js';
import { promptNewPassword, readPasswordFromStdin } from '../password-input.js';
import { CLI_ACTOR, parseNames } from './users-support.js';

interface AddOptions extends StoreOptions {
  passwordStdin?: boolean;
  password?: string;
  role?: string[];
  permission?: string[];
}

const HELP = `
The password is read from standard input with --password-stdin, or asked twice on
the terminal with echo off. It is never taken as an argument: arguments end up in
shell history and in the process list.

Examples:
  $ tessera users add ada@example.com --role admin
  $ printf '%s' "$PASSWORD" | tessera users add ops@example.com --password-stdin --role ops --permission reports:read`;

/** `tessera users add EMAIL [--password-stdin] [--role ROLE …] [--permission P …]`. */
export function addUserCommand(users: Command): void {
  withConfigOptions(
    users
      .command('add')
      .description('create an account (roles default to "user")')
      .argument('<email>', 'the email address to log in with')
      .option('--password-stdin', 'read the password from standard input instead of asking')
      .option('--role <roles...>', 'roles to grant: --role admin ops, or --role repeated (default: user)')
      .option('--permission <permissions...>', 'permissions to grant, like --role')
      // Caught only to refuse it without echoing the value.
      .addOption(new Option('--password <password>').hideHelp())
      .addHelpText('after', HELP),
  ).action(async (email: string, opts: AddOptions) => {
    if (opts.password !== undefined) {
      throw new CliError(
        'passwords are never taken as arguments (they leak into shell history and the process list): ' +
          'use --password-stdin, or run without it to be asked',
      );
    }
    if (!isEmail(normalizeEmail(email)))
      throw new CliError(`${JSON.stringify(email)} is not a valid email address`);
    const roles = opts.role === undefined ? ['user'] : parseNames(opts.role, 'role');
    const permissions = parseNames(opts.permission, 'permission');

    await withRuntime(
      opts,
      async ({ service }) => {
        if ((await service.store.users.findByEmail(email)) !== null) {
          throw new CliError(`a user with email ${normalizeEmail(email)} already exists`);
        }
        const password = opts.passwordStdin
          ? await readPasswordFromStdin(process.stdin)
          : await promptNewPassword(email, process.stdin, process.stderr);
        const problem = checkNewPassword(password, { email });
        if (problem !== null) throw new CliError(describePasswordProblem(problem));
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
            throw new CliError(`a user with email ${normalizeEmail(email)} already exists`);
          case 'invalid-email':
            throw new CliError(`${JSON.stringify(email)} is not a valid email address`);
          default:
            throw new CliError(describePasswordProblem(result.problem));
        }
      },
      { create: true },
    );
  });
}
