import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../config/errors.js';
import type { MetaStore } from '../store/index.js';

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
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
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
    throw new ConfigError(
      'ERR_CONFIG_INVALID',
      'kek (TESSERA_KEK, or <dataDir>/kek.key) must be 32 bytes, written as base64url, base64 or hex',
    );
  }
  return bytes;
}

/** The meta row holding a check value of the database's KEK (an HMAC of a constant: it reveals nothing). */
const KEK_CHECK = 'kek.check';

function kekCheck(kek: Buffer): string {
  return createHmac('sha256', kek).update('tessera key-encryption key check v1').digest('base64url');
}

/**
 * Refuses a key-encryption key other than the one the database was set up with, before any
 * key is generated or sealed with it: every instance on one database must share one KEK.
 * Call {@link recordKek} once the signing keys opened with it.
 *
 * @example
 * await checkKek(store.meta, kek); await service.start(); await recordKek(store.meta, kek);
 */
export async function checkKek(meta: MetaStore, kek: Buffer): Promise<void> {
  const stored = await meta.get(KEK_CHECK);
  if (stored === null) return;
  const expected = Buffer.from(kekCheck(kek));
  const actual = Buffer.from(stored);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new ConfigError(
      'ERR_CONFIG_KEK_MISMATCH',
      'kek is not the key-encryption key this database was set up with: start every instance with the ' +
        "same TESSERA_KEK (the first instance's value, or the contents of its <dataDir>/kek.key)",
    );
  }
}

/**
 * Records the database's KEK check value the first time (after the keys opened with it), so
 * an instance started later with another KEK is refused by {@link checkKek}.
 *
 * @example
 * await recordKek(store.meta, kek);
 */
export async function recordKek(meta: MetaStore, kek: Buffer): Promise<void> {
  if ((await meta.get(KEK_CHECK)) === null) await meta.compareAndSet(KEK_CHECK, null, kekCheck(kek));
  await checkKek(meta, kek);
}
