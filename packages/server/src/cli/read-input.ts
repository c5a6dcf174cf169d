import type { Readable } from 'node:stream';
import { CappedReadError, readCapped } from '@tessera/jwt/internal';
import { CliError } from './errors.js';

/**
 * Reads a stream to its end, refusing more than `maxBytes`.
 *
 * @example
 * const bytes = await readAll(process.stdin, 64 * 1024);
 */
export async function readAll(stream: Readable, maxBytes: number): Promise<Buffer> {
  try {
    return await readCapped(stream, maxBytes);
  } catch (err) {
    if (err instanceof CappedReadError)
      throw new CliError('ERR_CLI_INPUT', `standard input is longer than ${maxBytes} bytes`);
    throw err;
  }
}

/**
 * Drops one trailing newline (`\n` or `\r\n`): what `echo` and editors add to a
 * file or a pipe, and never part of a password or a secret.
 *
 * @example
 * stripNewline(Buffer.from('hunter22\n')).toString(); // 'hunter22'
 */
export function stripNewline(bytes: Buffer): Buffer {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0a) end--;
  if (end > 0 && bytes[end - 1] === 0x0d) end--;
  return bytes.subarray(0, end);
}

/**
 * The token a command works on: the argument, or standard input when the
 * argument is `-` or missing (so tokens need not sit in shell history). A
 * `Bearer ` prefix and surrounding whitespace are dropped.
 *
 * @example
 * const token = await readTokenArgument(arg, process.stdin);
 */
export async function readTokenArgument(
  arg: string | undefined,
  stdin: Readable & { isTTY?: boolean },
): Promise<string> {
  let text = arg;
  if (text === undefined || text === '-') {
    if (text === undefined && stdin.isTTY)
      throw new CliError('ERR_CLI_USAGE', 'missing TOKEN (pass it, or pipe it on stdin)');
    text = (await readAll(stdin, 64 * 1024)).toString('utf8');
  }
  const token = text.trim().replace(/^Bearer\s+/i, '');
  if (token === '') throw new CliError('ERR_CLI_INPUT', 'the token is empty');
  return token;
}

/**
 * Undoes a variadic option swallowing the token: `verify --alg EdDSA eyJ…`
 * parses as two algs and no token; a value with a dot is the token.
 *
 * @example
 * splitTrailingToken(['EdDSA', 'eyJ.a.b'], undefined); // [['EdDSA'], 'eyJ.a.b']
 */
export function splitTrailingToken(
  values: string[] | undefined,
  arg: string | undefined,
): [string[] | undefined, string | undefined] {
  const last = values?.at(-1);
  if (arg !== undefined || values === undefined || last === undefined || !last.includes('.')) {
    return [values, arg];
  }
  return [values.slice(0, -1), last];
}
