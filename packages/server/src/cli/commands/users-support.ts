import { type Command, Option } from 'commander';
import type { TesseraService } from '../../service/index.js';
import { checkNewPassword, describePasswordProblem } from '../../service/passwords.js';
import type { User } from '../../store/index.js';
import { CliError } from '../errors.js';
import { promptNewPassword, readPasswordFromStdin } from '../password-input.js';

const NAME = /^[^\s,]{1,64}$/;
const MAX_NAMES = 64;

/**
 * Role or permission names from repeatable, variadic or comma-separated
 * arguments (`--role admin --role ops`, `--role admin ops`, `--role admin,ops`),
 * deduplicated, each 1 to 64 characters without spaces or commas.
 *
 * @example
 * parseNames(['admin,user', 'ops'], 'role'); // ['admin', 'user', 'ops']
 */
export function parseNames(values: readonly string[] | undefined, kind: 'role' | 'permission'): string[] {
  const names = [...new Set((values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()))].filter(
    (v) => v !== '',
  );
  for (const name of names) {
    if (!NAME.test(name)) {
      throw new CliError('ERR_CLI_USAGE', `${kind} names are 1 to 64 characters without spaces or commas`);
    }
  }
  if (names.length > MAX_NAMES) throw new CliError('ERR_CLI_USAGE', `at most ${MAX_NAMES} ${kind}s`);
  return names;
}

/**
 * The account with this email (case and surrounding spaces don't matter), or a CliError.
 *
 * @example
 * const user = await findUser(service, 'Ada@Example.com');
 */
export async function findUser(service: TesseraService, email: string): Promise<User> {
  const user = await service.users.findByEmail(email);
  if (user === null) throw noSuchUser(email);
  return user;
}

/**
 * The error for an email no account has.
 *
 * @example
 * if (result.status === 'not-found') throw noSuchUser(email);
 */
export function noSuchUser(email: string): CliError {
  return new CliError('ERR_CLI_NOT_FOUND', `no user with email ${email.trim()}`);
}

/**
 * The error for a change the service refused because it would leave no unblocked admin.
 *
 * @example
 * if (result.status === 'last-admin') throw lastAdmin(user.email);
 */
export function lastAdmin(email: string): CliError {
  return new CliError(
    'ERR_CLI_LAST_ADMIN',
    `${email} is the last unblocked admin: give another user the admin role first ` +
      '(tessera users set-role EMAIL admin …)',
  );
}

/** The password options of `users add` and `users set-password`. */
export interface PasswordOptions {
  passwordStdin?: boolean;
  password?: string;
}

/** How a new password is given: the help text after the options. */
export const PASSWORD_HELP = `
The password is read from standard input with --password-stdin, or asked twice on
the terminal with echo off. It is never taken as an argument: arguments end up in
shell history and in the process list.`;

/**
 * Adds `--password-stdin`, and a hidden `--password` that is only caught to be refused.
 *
 * @example
 * withPasswordOptions(users.command('set-password').argument('<email>'));
 */
export function withPasswordOptions(command: Command): Command {
  return (
    command
      .option('--password-stdin', 'read the password from standard input instead of asking')
      // Caught only to refuse it without echoing the value.
      .addOption(new Option('--password <password>').hideHelp())
  );
}

/**
 * Refuses a password given as an argument, before anything else happens.
 *
 * @example
 * refusePasswordArgument(opts);
 */
export function refusePasswordArgument(opts: PasswordOptions): void {
  if (opts.password !== undefined) {
    throw new CliError(
      'ERR_CLI_USAGE',
      'passwords are never taken as arguments (they leak into shell history and the process list): ' +
        'use --password-stdin, or run without it to be asked',
    );
  }
}

/**
 * Reads a new password from stdin (`--password-stdin`) or asks twice on the terminal, and
 * checks it with the rules every new password meets (checkNewPassword).
 *
 * @example
 * const password = await readNewPassword(opts, 'ada@example.com');
 */
export async function readNewPassword(opts: PasswordOptions, email: string): Promise<string> {
  const password = opts.passwordStdin
    ? await readPasswordFromStdin(process.stdin)
    : await promptNewPassword(email, process.stdin, process.stderr);
  const problem = checkNewPassword(password, { email });
  if (problem !== null) throw new CliError('ERR_CLI_INPUT', describePasswordProblem(problem));
  return password;
}
