import { readFileSync } from 'node:fs';
import {
  type Alg,
  createKeySet,
  createRemoteKeySet,
  importPem,
  importSecret,
  isAlg,
  type Key,
  type KeySet,
  type RemoteKeySet,
} from '@tessera/jwt';
import { isHmacAlg } from '@tessera/jwt/internal';
import { CliError } from './errors.js';
import { stripNewline } from './read-input.js';

/**
 * Algorithm names from `--alg` values (repeatable, variadic or comma-separated).
 *
 * @example
 * parseAlgs(['RS256,ES256']); // ['RS256', 'ES256']
 */
export function parseAlgs(values: readonly string[] | undefined): Alg[] {
  const algs = [...new Set((values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()))].filter(Boolean);
  if (algs.length === 0) throw new CliError('ERR_CLI_USAGE', '--alg is required (e.g. --alg EdDSA)');
  for (const alg of algs) {
    if (alg.toLowerCase() === 'none') throw new CliError('ERR_CLI_USAGE', 'alg "none" is never accepted');
    if (!isAlg(alg)) {
      throw new CliError(
        'ERR_CLI_USAGE',
        `unknown alg ${JSON.stringify(alg.slice(0, 20))}: use HS256/384/512, RS256/384/512, ` +
          'PS256/384/512, ES256/384/512 or EdDSA',
      );
    }
  }
  return algs as Alg[];
}

/**
 * A secret file's bytes without one trailing newline. The error for a missing
 * file names the file, never its content.
 *
 * @example
 * const secret = readSecretFile('./jwt.secret');
 */
export function readSecretFile(path: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new CliError(
      'ERR_CLI_INPUT',
      `cannot read the secret file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const secret = stripNewline(bytes);
  if (secret.length === 0) throw new CliError('ERR_CLI_INPUT', `the secret file ${path} is empty`);
  return secret;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(
      'ERR_CLI_INPUT',
      `cannot read the ${what} ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

function singleAlg(algs: readonly Alg[], source: string): Alg {
  if (algs.length !== 1)
    throw new CliError('ERR_CLI_USAGE', `${source} is one key for one algorithm: give exactly one --alg`);
  return algs[0] as Alg;
}

/** Where the verification keys come from: exactly one of these options. */
export interface KeySourceOptions {
  jwksUrl?: string;
  jwksFile?: string;
  keyFile?: string;
  secretFile?: string;
  kid?: string;
}

/**
 * The keys to verify with, from exactly one source: a JWKS URL (fetched with a
 * timeout, no redirects), a JWKS file, a PEM (public key, certificate or
 * private key) or an HMAC secret file.
 *
 * @example
 * const keys = loadVerificationKeys({ jwksFile: 'jwks.json' }, ['EdDSA']);
 */
export function loadVerificationKeys(
  opts: KeySourceOptions,
  algs: readonly Alg[],
): Key | KeySet | RemoteKeySet {
  const given = (['jwksUrl', 'jwksFile', 'keyFile', 'secretFile'] as const).filter(
    (k) => opts[k] !== undefined,
  );
  if (given.length !== 1) {
    throw new CliError(
      'ERR_CLI_USAGE',
      'give exactly one of --jwks-url, --jwks-file, --key-file, --secret-file',
    );
  }
  if (opts.jwksUrl !== undefined) {
    try {
      return createRemoteKeySet(opts.jwksUrl, { timeoutMs: 10_000 });
    } catch {
      throw new CliError('ERR_CLI_USAGE', '--jwks-url must be an http: or https: URL');
    }
  }
  if (opts.jwksFile !== undefined) {
    let jwks: unknown;
    try {
      jwks = JSON.parse(readText(opts.jwksFile, 'JWKS file'));
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw new CliError('ERR_CLI_INPUT', `the JWKS file ${opts.jwksFile} is not valid JSON`);
    }
    return createKeySet(jwks as { keys: [] });
  }
  return loadKey(opts, algs, 'verify');
}

/**
 * One key from `--key-file` (PEM) or `--secret-file` (HMAC), bound to the single `--alg`.
 *
 * @example
 * const key = loadKey({ keyFile: 'private.pem' }, ['ES256'], 'sign');
 */
export function loadKey(opts: KeySourceOptions, algs: readonly Alg[], use: 'sign' | 'verify'): Key {
  const kidOption = opts.kid === undefined ? {} : { kid: opts.kid };
  if (opts.keyFile !== undefined && opts.secretFile !== undefined) {
    throw new CliError('ERR_CLI_USAGE', 'give --key-file or --secret-file, not both');
  }
  if (opts.secretFile !== undefined) {
    const alg = singleAlg(algs, '--secret-file');
    if (!isHmacAlg(alg))
      throw new CliError('ERR_CLI_USAGE', '--secret-file needs an HMAC alg: HS256, HS384 or HS512');
    return importSecret(readSecretFile(opts.secretFile), { alg, ...kidOption });
  }
  if (opts.keyFile !== undefined) {
    const alg = singleAlg(algs, '--key-file');
    if (isHmacAlg(alg)) throw new CliError('ERR_CLI_USAGE', `${alg} keys are secrets: use --secret-file`);
    const key = importPem(readText(opts.keyFile, 'key file'), { alg, ...kidOption });
    if (use === 'sign' && key.type !== 'private') {
      throw new CliError('ERR_CLI_INPUT', '--key-file must hold a private key (PKCS#8 PEM) to sign');
    }
    return key;
  }
  throw new CliError(
    'ERR_CLI_USAGE',
    use === 'sign' ? 'give --key-file or --secret-file' : 'give a key source',
  );
}
