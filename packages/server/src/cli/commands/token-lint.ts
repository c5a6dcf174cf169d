import type { Command } from 'commander';
import type { Finding } from '../../lint/findings.js';
import { LINT_RULES, lintToken } from '../../lint/lint-token.js';
import { safeJson } from '../format.js';
import { readSecretFile } from '../key-input.js';
import { readTokenArgument } from '../read-input.js';

const RULES = Object.entries(LINT_RULES)
  .map(([code, rule]) => `  ${code} ${rule.name.padEnd(19)} ${rule.summary}`)
  .join('\n');

const HELP = `
Checks (errors make the exit code 1):
${RULES}

A token signed with a secret from the built-in list of well-known weak secrets is
reported even without --secret-file. No output ever contains the secret.

Examples:
  $ tessera token lint "$TOKEN"
  $ tessera token lint "$TOKEN" --secret-file ./jwt.secret --json`;

/**
 * One line per finding: `error TL001 alg-none: …`.
 *
 * @example
 * formatFinding({ code: 'TL002', name: 'missing-exp', severity: 'error', message: 'no exp' });
 */
export function formatFinding(f: Finding): string {
  return `${f.severity.padEnd(5)} ${f.code} ${f.name}: ${f.message}`;
}

/**
 * Registers `tessera token lint [TOKEN] [--secret-file F] [--json]`; exit 1 on any error finding.
 *
 * @example
 * tokenLintCommand(token); // tessera token lint eyJ… --secret-file jwt.secret
 */
export function tokenLintCommand(token: Command): void {
  token
    .command('lint')
    .description('report common JWT mistakes: alg none, no exp, long life, sensitive claims, weak secrets…')
    .argument('[token]', 'the JWT; "-" or nothing reads it from standard input')
    .option('--secret-file <file>', 'the HMAC secret: check its strength and the signature (never printed)')
    .option('--json', 'print JSON: { findings, errors, warnings, infos }')
    .addHelpText('after', HELP)
    .action(async (arg: string | undefined, opts: { secretFile?: string; json?: boolean }) => {
      const text = await readTokenArgument(arg, process.stdin);
      const findings = await lintToken(
        text,
        opts.secretFile === undefined ? {} : { secret: readSecretFile(opts.secretFile) },
      );
      const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
      const errors = count('error');
      if (opts.json) {
        const out = { findings, errors, warnings: count('warn'), infos: count('info') };
        process.stdout.write(`${safeJson(out, 2)}\n`);
      } else {
        for (const f of findings) process.stdout.write(`${formatFinding(f)}\n`);
        process.stdout.write(
          findings.length === 0
            ? 'no findings\n'
            : `${errors} error(s), ${count('warn')} warning(s), ${count('info')} info\n`,
        );
      }
      if (errors > 0) process.exitCode = 1;
    });
}
