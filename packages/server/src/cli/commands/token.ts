import type { Command } from 'commander';
import { tokenDecodeCommand } from './token-decode.js';
import { tokenLintCommand } from './token-lint.js';
import { tokenSignCommand } from './token-sign.js';
import { tokenVerifyCommand } from './token-verify.js';

/**
 * Registers `tessera token sign|verify|decode|lint`: tools for any JWT, not only Tessera's.
 *
 * @example
 * tokenCommand(program);
 */
export function tokenCommand(program: Command): void {
  const token = program
    .command('token')
    .description('work with any JWT: decode, verify, sign, and lint for common mistakes');
  tokenDecodeCommand(token);
  tokenVerifyCommand(token);
  tokenSignCommand(token);
  tokenLintCommand(token);
}
