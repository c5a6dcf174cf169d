import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createGuard, GuardError } from '../src/index.js';
import { buildAttacks } from './support/attacks.js';
import { testGuard } from './support/guards.js';
import { AUDIENCE, ISSUER, rsa } from './support/keys.js';
import { rawToken } from './support/raw-sign.js';

/**
 * The HTTP suites check the answer; this checks the cause, so that an attack
 * can't "pass" by tripping over something unrelated (a typo in its claims).
 */
const EXPECTED: [RegExp, RegExp][] = [
  [/^A1 /, /^ERR_JWS_ALG_NOT_ALLOWED$/],
  [/^A2 third/, /^ERR_JWS_INVALID$/],
  [/^A2 /, /^ERR_JWS_INVALID_SIGNATURE$/],
  [/^A3 /, /^ERR_JWKS_NO_MATCHING_KEY$/],
  [/^A4 embedded (jwk|x5c)/, /^ERR_JWS_INVALID_SIGNATURE$/],
  [/^A4 |^A5 /, /^ERR_JWKS_NO_MATCHING_KEY$/],
  [/^A6 kid (of 4 KB|not a string)/, /^ERR_JWS_INVALID$/],
  [/^A6 /, /^ERR_JWKS_NO_MATCHING_KEY$/],
  [/^A7 |^A8 /, /^ERR_JWS_INVALID_SIGNATURE$/],
  [/^A11 exp = |^A11 exp negative/, /^ERR_JWT_EXPIRED$/],
  [/^A11 nbf/, /^ERR_JWT_NOT_YET_VALID$/],
  [/^A11 |^A12 |^A13 /, /^ERR_JWT_CLAIM_INVALID$/],
  [/^A14 |^A15 b64:false with crit, encoded|^A20 (enc|zip|p2c)/, /^ERR_JWS_UNSUPPORTED$/],
  [/^A16 |^A17 /, /^ERR_JW[ST]_INVALID$/],
  [/^A19 (token over|100k|20k)/, /^ERR_JWT_TOO_LONG$/],
  [/^A19 deeply/, /^ERR_JWT_INVALID$/],
  [/^A18 (\+ and|signature with)/, /^ERR_JWS_INVALID_SIGNATURE$/],
  [/^A18 /, /^ERR_JW[ST]_INVALID$/],
  [/^A19 7k/, /^ERR_JWS_INVALID_SIGNATURE$/],
  [/^A20 five/, /^ERR_JWS_INVALID$/],
  [/^A23 /, /^ERR_JWKS_NO_MATCHING_KEY$/],
  [/^A26 /, /^ERR_JWS_INVALID_SIGNATURE$/],
  [/^claims: sub/, /^ERR_JWT_CLAIM_INVALID$/],
  [/^claims: /, /^ERR_GUARD_CLAIMS_INVALID$/],
];

describe('each attack is refused for its own reason', () => {
  const guard = testGuard();
  for (const attack of buildAttacks()) {
    test(attack.id, () => {
      assert.throws(
        () => guard.check(attack.authorization),
        (err: unknown) => {
          assert.ok(err instanceof GuardError);
          assert.equal(err.status, attack.status);
          if (attack.status === 400) assert.equal(err.reason, 'ERR_GUARD_MALFORMED_CREDENTIALS');
          const rule = EXPECTED.find(([id]) => id.test(attack.id));
          if (attack.status === 401) assert.ok(rule, `no expected reason for ${attack.id}`);
          if (rule !== undefined && attack.status === 401) assert.match(err.reason, rule[1]);
          return true;
        },
      );
    });
  }
});

test('A3 with a single RSA key and HS256 allowed: the key binding refuses the HMAC token', () => {
  const guard = createGuard({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['RS256', 'HS256'],
    keys: rsa.publicKey,
  });
  const secret = rsa.publicKey.keyObject.export({ type: 'spki', format: 'pem' }) as string;
  const token = rawToken(
    '{"alg":"HS256","typ":"at+jwt"}',
    JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: 2e9 }),
    'HS256',
    secret,
  );
  assert.throws(() => guard.check(`Bearer ${token}`), { reason: 'ERR_KEY_ALG_MISMATCH', status: 401 });
});

test('A17 a constructor.prototype claim pollutes nothing', () => {
  const guard = testGuard();
  const claims = JSON.stringify({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'x',
    exp: 2e9,
    constructor: { prototype: { admin: true } },
  });
  const token = rawToken(
    '{"alg":"RS256","typ":"at+jwt","kid":"rsa-1"}',
    claims,
    'RS256',
    rsa.privateKey.keyObject,
  );
  try {
    guard.check(`Bearer ${token}`);
  } catch {
    // refused or accepted, either way nothing may leak into prototypes
  }
  assert.equal(({} as Record<string, unknown>).admin, undefined);
  assert.equal((Object.prototype as Record<string, unknown>).admin, undefined);
});
