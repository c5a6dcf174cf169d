import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The file the generated key-encryption key lives in, inside the data directory. */
export const KEK_FILE = 'kek.key';

/**
 * Loads the key-encryption key that seals private signing keys at rest: from
 * `TESSERA_KEK` (32 bytes as base64url, base64 or hex) when given, otherwise
 * from `kek.key` in the data directory, generated with mode 0600 on first use.
 *
 * @example
 * const kek = await loadKek({ dataDir: './data', fromEnv: process.env.TESSERA_KEK });
 */
export async function loadKek(opts: { dataDir: string; fromEnv?: string | undefined }): Promise<Buffer> {
  if (opts.fromEnv !== undefined && opts.fromEnv !== '') return parseKek(opts.fromEnv);
  const path = join(opts.dataDir, KEK_FILE);
  try {
    const info = await stat(path);
    // Tighten a file that became readable by others (a copy, a bad umask).
    if ((info.mode & 0o077) !== 0) await chmod(path, 0o600);
    return parseKek((await readFile(path, 'utf8')).trim());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(opts.dataDir, { recursive: true });
  const kek = randomBytes(32);
  try {
    await writeFile(path, `${kek.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    return kek;
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      return parseKek((await readFile(path, 'utf8')).trim());
    throw err;
  }
}

function parseKek(text: string): Buffer {
  const value = text.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(value)) bytes = Buffer.from(value, 'hex');
  else if (/^[A-Za-z0-9_\-+/]{43}=?$/.test(value))
    bytes = Buffer.from(value, value.includes('+') || value.includes('/') ? 'base64' : 'base64url');
  if (bytes === undefined || bytes.length !== 32) {
    throw new Error('the key-encryption key must be 32 bytes, written as base64url, base64 or hex');
  }
  return bytes;
}
