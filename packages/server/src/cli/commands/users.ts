import type { Command } from 'commander';
import { publicUser } from '../../service/accounts.js';
import { publicUserDetails } from '../../service/users.js';
import type { User } from '../../store/index.js';
import { type StoreOptions, withRuntime } from '../config-options.js';
import { isoOrDash, safeJson, safeText, table } from '../format.js';
import { withConfigOptions } from '../options.js';
import { addUserCommand } from './users-add.js';
import { userChangeCommands } from './users-change.js';
import { findUser, noSuchUser } from './users-support.js';

/** A stored string for a terminal: control, bidi and zero-width characters made visible (anyone's text). */
const plain = safeText;

/**
 * Registers `tessera users add|list|show|set-role|set-permissions|set-password|block|unblock|delete`,
 * all through the service layer (which writes the audit rows).
 *
 * @example
 * usersCommand(program); // tessera users set-role ada@example.com admin user
 */
export function usersCommand(program: Command): void {
  const users = program
    .command('users')
    .description('manage accounts: add, list, show, set roles, permissions or password, block, delete');

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
        const page = await service.users.list({ limit: 500, ...(after === undefined ? {} : { after }) });
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
      .command('show')
      .description('show one account and its live sessions (never a password hash)')
      .argument('<email>', 'the account')
      .option('--json', 'print JSON (as GET /admin/users/:id)'),
  ).action(async (email: string, opts: StoreOptions & { json?: boolean }) => {
    await withRuntime(opts, async ({ service }) => {
      const details = await service.users.details((await findUser(service, email)).id);
      if (details === null) throw noSuchUser(email);
      const view = publicUserDetails(details);
      if (opts.json) {
        process.stdout.write(`${safeJson(view, 2)}\n`);
        return;
      }
      const fields: [string, string][] = [
        ['email', view.email],
        ['id', view.id],
        ['roles', view.roles.join(', ') || '-'],
        ['permissions', view.permissions.join(', ') || '-'],
        ['blocked', view.blocked ? 'yes' : 'no'],
        ['created', view.created_at],
        ['updated', view.updated_at],
        ['sessions', String(view.sessions.length)],
      ];
      process.stdout.write(`${fields.map(([k, v]) => `${k.padEnd(12)}${plain(v)}`).join('\n')}\n`);
      if (view.sessions.length > 0) {
        const rows = view.sessions.map((s) => [
          s.id,
          s.created_at,
          s.last_used_at,
          s.expires_at,
          plain(s.ip ?? '-'),
          plain(s.user_agent ?? '-'),
        ]);
        process.stdout.write(
          `\n${table(['SESSION', 'CREATED', 'LAST USED', 'EXPIRES', 'IP', 'USER AGENT'], rows)}\n`,
        );
      }
    });
  });

  userChangeCommands(users);
}
