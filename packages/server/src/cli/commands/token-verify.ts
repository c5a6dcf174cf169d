import { createVerifier, isJwtError, RemoteKeySet, type VerifiedJwt, type VerifyOptions } from '@tessera/jwt';
import { type Command, Option } from 'commander';
import { CliError } from '../errors.js';
import { safeJson } from '../format.js';
import { type KeySourceOptions, loadVerificationKeys, parseAlgs } from '../key-input.js';
import { readTokenArgument, splitTrailingToken } from '../read-input.js';
import { renderToken, timeClaims } from './token-decode.js';

interface VerifyCliOptions extends KeySourceOptions {
  alg?: string[];
  issuer?: string;
  audience?: string[];
  subject?: string;
  typ?: string;
  clockTolerance?: string;
  maxTokenAge?: string;
  json?: boolean;
}

const HELP = `
Exit code 0 when the token is valid, 1 when it is not (with the error code, e.g.
ERR_JWT_EXPIRED, ERR_JWS_INVALID_SIGNATURE, ERR_JWT_CLAIM_INVALID).

Examples:
  $ tessera token verify "$TOKEN" --jwks-url http://127.0.0.1:3000/.well-known/jwks.json --alg EdDSA \\
      --issuer http://127.0.0.1:3000 --audience tessera --typ at+jwt
  $ tessera token verify "$TOKEN" --key-file issuer.pub.pem --alg RS256
  $ tessera token verify "$TOKEN" --secret-file jwt.secret --alg HS256`;

/** Failures to get the keys: the token was never judged, so they are not "invalid token". */
const KEY_SOURCE_ERRORS = new Set(['ERR_JWKS_FETCH_FAILED', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);

/** Seconds, or a duration string like '30s'; the library validates the rest. */
function duration(value: string): number | string {
  return /^\d+$/.test(value) ? Number(value) : value;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * Registers `tessera token verify`: signature and claims, exit 0 (valid) or 1 (invalid).
 *
 * @example
 * tokenVerifyCommand(token); // tessera token verify eyJ… --jwks-url URL --alg EdDSA
 */
export function tokenVerifyCommand(token: Command): void {
  token
    .command('verify')
    .description("verify a token's signature and claims; exit 0 when valid, 1 when not")
    .argument('[token]', 'the JWT; "-" or nothing reads it from standard input')
    .option(
      '--alg <algs...>',
      'the accepted algorithms, one or more (required): --alg ES256 RS256, or ES256,RS256',
    )
    .option('--jwks-url <url>', 'verify with the JWK Set at this URL')
    .option('--jwks-file <file>', 'verify with a JWK Set file')
    .option('--key-file <pem>', 'verify with a PEM public key, certificate or private key (one --alg)')
    .option('--secret-file <file>', 'verify with an HMAC secret read from this file (one --alg: HS*)')
    .option('--issuer <iss>', 'required iss')
    .option('--audience <aud>', 'an accepted aud value (repeatable)', collect)
    .option('--subject <sub>', 'required sub')
    .option('--typ <typ>', 'required typ header, e.g. at+jwt')
    .addOption(new Option('--clock-tolerance <seconds>', 'leeway for exp/nbf/iat (e.g. 30s)'))
    .addOption(new Option('--max-token-age <duration>', 'refuse tokens older than this (by iat), e.g. 1h'))
    .option('--json', 'print JSON: { valid, header, payload } or { valid: false, code, message }')
    .addHelpText('after', HELP)
    .action(async (arg: string | undefined, opts: VerifyCliOptions) => {
      const [algValues, tokenArg] = splitTrailingToken(opts.alg, arg);
      const algorithms = parseAlgs(algValues);
      const text = await readTokenArgument(tokenArg, process.stdin);
      const options: VerifyOptions = { algorithms };
      if (opts.issuer !== undefined) options.issuer = opts.issuer;
      if (opts.audience !== undefined) options.audience = opts.audience;
      if (opts.subject !== undefined) options.subject = opts.subject;
      if (opts.typ !== undefined) options.typ = opts.typ;
      if (opts.clockTolerance !== undefined) options.clockTolerance = duration(opts.clockTolerance);
      if (opts.maxTokenAge !== undefined) options.maxTokenAge = duration(opts.maxTokenAge);

      let keys: ReturnType<typeof loadVerificationKeys>;
      try {
        keys = loadVerificationKeys(opts, algorithms);
      } catch (err) {
        if (isJwtError(err, 'ERR_KEY_WEAK')) {
          throw new CliError(
            'ERR_CLI_KEY_UNUSABLE',
            `${err.code}: ${err.message} (check the secret with \`tessera token lint\`)`,
          );
        }
        throw err;
      }

      let verified: VerifiedJwt;
      try {
        verified =
          keys instanceof RemoteKeySet
            ? await createVerifier({ ...options, keys }).verify(text)
            : createVerifier({ ...options, keys }).verify(text);
      } catch (err) {
        if (!isJwtError(err) || err.code === 'ERR_INVALID_OPTIONS') throw err;
        if (KEY_SOURCE_ERRORS.has(err.code))
          throw new CliError('ERR_CLI_KEY_UNUSABLE', `cannot get the keys: ${err.code}: ${err.message}`);
        if (opts.json) {
          process.stdout.write(`${safeJson({ valid: false, code: err.code, message: err.message }, 2)}\n`);
          process.exitCode = 1;
          return;
        }
        throw new CliError('ERR_CLI_TOKEN_INVALID', `invalid token: ${err.code}: ${err.message}`);
      }
      const { header, payload } = verified;
      if (opts.json) {
        process.stdout.write(
          `${safeJson({ valid: true, header, payload, times: timeClaims(payload) }, 2)}\n`,
        );
        return;
      }
      const kid = header.kid === undefined ? '' : `, kid ${safeJson(header.kid)}`;
      process.stdout.write(
        renderToken(
          `VALID: signature (${header.alg}${kid}) and claims check out.`,
          header,
          payload,
          Date.now() / 1000,
        ),
      );
    });
}
