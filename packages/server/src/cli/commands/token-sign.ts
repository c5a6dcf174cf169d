import { readFileSync } from 'node:fs';
import { type JwtClaims, type SignOptions, signJwt } from '@tessera/jwt';
import type { Command } from 'commander';
import { lintToken } from '../../lint/lint-token.js';
import { CliError } from '../errors.js';
import { type KeySourceOptions, loadKey, parseAlgs } from '../key-input.js';

interface SignCliOptions extends KeySourceOptions {
  alg?: string;
  claims?: string;
  expiresIn?: string;
  notBefore?: string;
  issuer?: string;
  audience?: string[];
  subject?: string;
  typ?: string;
  jti?: boolean;
}

const HELP = `
The token is printed on standard output. exp defaults to 10 minutes after iat
unless --claims sets exp. HMAC secrets shorter than the hash (32/48/64 bytes) are refused.

Examples:
  $ tessera token sign --key-file private.pem --alg ES256 --claims '{"roles":["user"]}' \\
      --subject user-123 --issuer https://auth.example.com --audience api --expires-in 15m
  $ tessera token sign --secret-file jwt.secret --alg HS256 --claims @claims.json`;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Seconds, or a duration string like '15m'; the library refuses anything else. */
function duration(value: string): number | string {
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** The claims from `--claims`: a JSON object, or `@file` holding one. */
function parseClaims(text: string | undefined): JwtClaims {
  if (text === undefined) return {};
  let json = text;
  if (text.startsWith('@')) {
    try {
      json = readFileSync(text.slice(1), 'utf8');
    } catch (err) {
      throw new CliError(
        'ERR_CLI_INPUT',
        `cannot read ${text.slice(1)} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  let claims: unknown;
  try {
    claims = JSON.parse(json);
  } catch {
    throw new CliError('ERR_CLI_USAGE', '--claims is not valid JSON');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new CliError('ERR_CLI_USAGE', '--claims must be a JSON object, e.g. \'{"roles":["user"]}\'');
  }
  return claims as JwtClaims;
}

/**
 * Registers `tessera token sign`: signs claims with a PEM private key or an HMAC secret file.
 *
 * @example
 * tokenSignCommand(token); // tessera token sign --key-file k.pem --alg ES256 --claims '{}'
 */
export function tokenSignCommand(token: Command): void {
  token
    .command('sign')
    .description('sign a JWT with a private key (PEM) or an HMAC secret file')
    .option('--key-file <pem>', 'PKCS#8 PEM private key')
    .option('--secret-file <file>', 'HMAC secret file (one trailing newline is ignored)')
    .option('--alg <alg>', 'the algorithm (required), e.g. ES256, EdDSA, HS256')
    .option('--claims <json>', 'claims as a JSON object, or @file')
    .option('--expires-in <duration>', 'lifetime: seconds or 30s, 15m, 12h, 7d (default 10m)')
    .option('--not-before <duration>', 'nbf, relative to iat')
    .option('--issuer <iss>', 'iss')
    .option('--audience <aud>', 'aud (repeatable)', collect)
    .option('--subject <sub>', 'sub')
    .option('--kid <kid>', 'kid header')
    .option('--typ <typ>', 'typ header (default JWT)')
    .option('--jti', 'add a random jti')
    .addHelpText('after', HELP)
    .action(async (opts: SignCliOptions) => {
      const key = loadKey(opts, parseAlgs(opts.alg === undefined ? [] : [opts.alg]), 'sign');
      const claims = parseClaims(opts.claims);
      const options: SignOptions = {};
      const expiresIn = opts.expiresIn ?? (claims.exp === undefined ? '10m' : undefined);
      if (expiresIn !== undefined) options.expiresIn = duration(expiresIn);
      if (opts.notBefore !== undefined) options.notBefore = duration(opts.notBefore);
      if (opts.issuer !== undefined) options.issuer = opts.issuer;
      if (opts.audience !== undefined) {
        options.audience = opts.audience.length === 1 ? (opts.audience[0] as string) : opts.audience;
      }
      if (opts.subject !== undefined) options.subject = opts.subject;
      if (opts.typ !== undefined) options.typ = opts.typ;
      if (opts.jti) options.jwtId = true;
      const jwt = signJwt(claims, key, options);
      // Signing is allowed, but a payload mistake (a password in a claim) is worth a word on stderr.
      for (const f of await lintToken(jwt)) {
        if (f.severity === 'error')
          process.stderr.write(`tessera: warning: ${f.code} ${f.name}: ${f.message}\n`);
      }
      process.stdout.write(`${jwt}\n`);
    });
}
