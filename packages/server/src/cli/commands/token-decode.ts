import type { Command } from 'commander';
import { parseTokenLeniently } from '../../lint/parse-token.js';
import { CliError } from '../errors.js';
import { describeEpoch, safeJson } from '../format.js';
import { readTokenArgument } from '../read-input.js';

const TIME_CLAIMS = ['iat', 'nbf', 'exp'] as const;

/**
 * The time claims of a payload as ISO dates, for display.
 *
 * @example
 * timeClaims({ exp: 1716239022 }); // { exp: '2024-05-20T21:03:42.000Z' }
 */
export function timeClaims(payload: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of TIME_CLAIMS) {
    const value = payload[name];
    if (typeof value === 'number' && Number.isFinite(new Date(value * 1000).getTime())) {
      out[name] = new Date(value * 1000).toISOString();
    }
  }
  return out;
}

/**
 * Renders header, payload and times for a terminal; `banner` says whether the
 * signature was checked.
 *
 * @example
 * process.stdout.write(renderToken('UNVERIFIED', header, payload, Date.now() / 1000));
 */
export function renderToken(
  banner: string,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  now: number,
): string {
  const lines = [banner, 'header:', safeJson(header, 2), 'payload:', safeJson(payload, 2)];
  const times = TIME_CLAIMS.filter((n) => typeof payload[n] === 'number');
  if (times.length > 0) {
    lines.push('times:');
    for (const name of times) lines.push(`  ${name}  ${describeEpoch(payload[name] as number, now)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Registers `tessera token decode [TOKEN]`: shows header and payload, clearly unverified.
 *
 * @example
 * tokenDecodeCommand(token); // tessera token decode eyJ… --json
 */
export function tokenDecodeCommand(token: Command): void {
  token
    .command('decode')
    .description("show a token's header and payload WITHOUT verifying it (times as ISO dates)")
    .argument('[token]', 'the JWT; "-" or nothing reads it from standard input')
    .option('--json', 'print JSON: { verified: false, header, payload, times }')
    .action(async (arg: string | undefined, opts: { json?: boolean }) => {
      const parsed = parseTokenLeniently(await readTokenArgument(arg, process.stdin));
      if ('reason' in parsed)
        throw new CliError('ERR_CLI_TOKEN_INVALID', `cannot decode the token: ${parsed.reason}`);
      const { header, payload } = parsed;
      if (opts.json) {
        const out = { verified: false, header, payload, times: timeClaims(payload) };
        process.stdout.write(`${safeJson(out, 2)}\n`);
        return;
      }
      process.stdout.write(
        renderToken(
          'UNVERIFIED: the signature was NOT checked; do not trust these values (use `tessera token verify`).',
          header,
          payload,
          Date.now() / 1000,
        ),
      );
    });
}
