import type { Readable, Writable } from 'node:stream';
import { CliError } from './errors.js';
import { readAll, stripNewline } from './read-input.js';

/** More than any accepted password (1024 bytes), less than anything that could hurt. */
const MAX_INPUT_BYTES = 4096;

/** A terminal input stream: what `process.stdin` is when `isTTY`. */
export interface TerminalInput extends Readable {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/**
 * Reads a password piped on standard input (`--password-stdin`): everything
 * up to the end, without one trailing newline.
 *
 * @example
 * // printf '%s' "$PASSWORD" | tessera users add ada@example.com --password-stdin
 * const password = await readPasswordFromStdin(process.stdin);
 */
export async function readPasswordFromStdin(stdin: Readable): Promise<string> {
  const password = stripNewline(await readAll(stdin, MAX_INPUT_BYTES)).toString('utf8');
  if (password === '') throw new CliError('ERR_CLI_INPUT', 'no password on standard input');
  return password;
}

/**
 * Asks for a password on a terminal with echo off (raw mode: nothing typed is
 * shown). Backspace edits; Ctrl-C and Ctrl-D cancel. The prompt goes to
 * `output` (stderr), so stdout stays clean.
 *
 * @example
 * const password = await promptPassword('Password: ', process.stdin, process.stderr);
 */
export function promptPassword(prompt: string, input: TerminalInput, output: Writable): Promise<string> {
  if (!input.isTTY || typeof input.setRawMode !== 'function') {
    return Promise.reject(
      new CliError(
        'ERR_CLI_INPUT',
        'standard input is not a terminal: pipe the password and pass --password-stdin',
      ),
    );
  }
  const setRawMode = input.setRawMode.bind(input);
  const wasRaw = input.isRaw === true;
  output.write(prompt);
  setRawMode(true);
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error: Error | null) => {
      input.off('data', onData);
      setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      if (error === null) resolve(typed);
      else reject(error);
    };
    const onData = (chunk: Buffer | string) => {
      const chars = [...(typeof chunk === 'string' ? chunk : chunk.toString('utf8'))];
      for (const [i, char] of chars.entries()) {
        if (char === '\r' || char === '\n') {
          // A pasted "first⏎second⏎" arrives as one chunk: keep the rest for the next prompt.
          const rest = chars.slice(i + 1).join('');
          finish(null);
          if (rest !== '') input.unshift(Buffer.from(rest));
          return;
        }
        if (char === '\u0003' || (char === '\u0004' && typed === '')) {
          return finish(new CliError('ERR_CLI_INPUT', 'cancelled'));
        }
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else if (char >= ' ') typed += char;
        if (typed.length > MAX_INPUT_BYTES)
          return finish(new CliError('ERR_CLI_INPUT', 'the password is too long'));
      }
    };
    input.on('data', onData);
  });
}

/**
 * Asks twice on the terminal and returns the password when both entries match.
 *
 * @example
 * const password = await promptNewPassword('ada@example.com', process.stdin, process.stderr);
 */
export async function promptNewPassword(
  email: string,
  input: TerminalInput,
  output: Writable,
): Promise<string> {
  const first = await promptPassword(`Password for ${email}: `, input, output);
  if (first === '') throw new CliError('ERR_CLI_INPUT', 'the password is empty');
  const second = await promptPassword('Repeat the password: ', input, output);
  if (first !== second) throw new CliError('ERR_CLI_INPUT', 'the passwords do not match');
  return first;
}
