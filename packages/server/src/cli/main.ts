#!/usr/bin/env node
import { Command } from 'commander';
import { serveCommand } from './commands/serve.js';

const program = new Command('tessera')
  .description('Tessera auth server: tokens, sessions, keys')
  .showHelpAfterError()
  .version('0.1.0');

serveCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`tessera: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
