import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { clientsCommand } from './commands/clients.js';
import { keysCommand } from './commands/keys.js';
import { revokeCommand } from './commands/revoke.js';
import { serveCommand } from './commands/serve.js';
import { tokenCommand } from './commands/token.js';
import { usersCommand } from './commands/users.js';

const EXAMPLES = `
Examples:
  $ tessera serve --data-dir ./data
  $ printf '%s' "$ADMIN_PASSWORD" | tessera users add admin@example.com --role admin --password-stdin
  $ tessera users show ada@example.com
  $ tessera users set-permissions ada@example.com reports:read invoices:write
  $ printf '%s' "$NEW_PASSWORD" | tessera users set-password ada@example.com --password-stdin
  $ tessera users delete ada@example.com
  $ tessera keys rotate --now
  $ tessera keys revoke "$KID"
  $ tessera revoke --all
  $ tessera clients add billing-service --scope invoices:read
  $ tessera token verify "$TOKEN" --jwks-url http://127.0.0.1:3000/.well-known/jwks.json --alg EdDSA
  $ tessera token lint "$TOKEN" --secret-file ./jwt.secret

Every command that reads or writes the server's data takes --data-dir, --config and
--database-url; TESSERA_DATA_DIR, TESSERA_CONFIG and TESSERA_DATABASE_URL do the same.`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * Builds the `tessera` command line. Errors (usage or runtime) are one line on
 * stderr prefixed `tessera:`, and exit 1.
 *
 * @example
 * await createProgram().parseAsync(['node', 'tessera', 'keys', 'list']);
 */
export function createProgram(): Command {
  const program = new Command('tessera')
    .description('Tessera: JWT auth server, key management and token tools')
    .version(version(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .configureOutput({
      // Commander's own errors ("error: unknown option '--x'") become one `tessera:` line.
      outputError: (text, write) =>
        write(
          `tessera: ${text
            .replace(/^error: /, '')
            .replace(/\s*\n\s*/g, ' ')
            .trim()}\n`,
        ),
    })
    .addHelpText('after', EXAMPLES);
  serveCommand(program);
  usersCommand(program);
  keysCommand(program);
  revokeCommand(program);
  clientsCommand(program);
  tokenCommand(program);
  return program;
}
