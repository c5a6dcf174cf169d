import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** The shipped list (see assets/README.md): 100,000 breached passwords of 8+ bytes, lowercased. */
const LIST = new URL('../../assets/common-passwords.txt.gz', import.meta.url);

let common: Set<string> | undefined;

/**
 * True when the password, ignoring case, is one of the 100,000 most common passwords of
 * breached-password lists. The list is read once, on first use (about 30 ms, 10 MB).
 *
 * @example
 * isCommonPassword('Password1'); // true
 */
export function isCommonPassword(password: string): boolean {
  common ??= new Set(gunzipSync(readFileSync(LIST)).toString('utf8').split('\n'));
  return common.has(password.toLowerCase());
}
