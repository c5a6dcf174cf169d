import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildChallenges, buildDpopChallenges, GUARD_ERROR_CODES, GuardError } from './errors.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const challenges = buildChallenges('api');

test('every GuardError code is documented in the README', () => {
  for (const code of Object.keys(GUARD_ERROR_CODES)) {
    assert.ok(readme.includes(`\`${code}\``), `${code} is missing from packages/guard/README.md`);
  }
});

test('the challenges: no error attribute without credentials, the RFC 6750 code otherwise', () => {
  assert.deepEqual(challenges, {
    missing_token: 'Bearer realm="api"',
    invalid_request: 'Bearer realm="api", error="invalid_request"',
    invalid_token: 'Bearer realm="api", error="invalid_token"',
    insufficient_scope: 'Bearer realm="api", error="insufficient_scope"',
    invalid_dpop_proof: 'DPoP realm="api", error="invalid_dpop_proof", algs=""',
  });
});

test('with DPoP: both schemes offered without credentials; DPoP-only when Bearer is refused', () => {
  const both = buildChallenges('api', { bearer: true, dpop: ['ES256', 'EdDSA'] });
  assert.equal(both.missing_token, 'Bearer realm="api", DPoP realm="api", algs="ES256 EdDSA"');
  assert.equal(both.invalid_token, 'Bearer realm="api", error="invalid_token"');
  assert.equal(both.invalid_dpop_proof, 'DPoP realm="api", error="invalid_dpop_proof", algs="ES256 EdDSA"');
  const only = buildChallenges('api', { bearer: false, dpop: ['ES256'] });
  assert.equal(only.missing_token, 'DPoP realm="api", algs="ES256"');
  assert.equal(only.invalid_token, 'DPoP realm="api", error="invalid_token", algs="ES256"');
  const dpop = buildDpopChallenges('api', ['ES256']);
  assert.equal(dpop.insufficient_scope, 'DPoP realm="api", error="insufficient_scope", algs="ES256"');
});

test('a GuardError carries status, code, description, challenge, reason and body', () => {
  const err = new GuardError('ERR_JWT_EXPIRED', challenges);
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'GuardError');
  assert.equal(err.status, 401);
  assert.equal(err.code, 'invalid_token');
  assert.equal(err.reason, 'ERR_JWT_EXPIRED');
  assert.equal(err.message, 'the access token expired');
  assert.equal(err.wwwAuthenticate, 'Bearer realm="api", error="invalid_token"');
  assert.deepEqual(err.body, { error: 'invalid_token', error_description: 'the access token expired' });
  assert.equal(err.headers['www-authenticate'], err.wwwAuthenticate);
});

test('the body of a request without credentials has no RFC 6750 error code', () => {
  const err = new GuardError('ERR_GUARD_NO_TOKEN', challenges);
  assert.equal(err.status, 401);
  assert.equal(err.code, 'missing_token');
  assert.deepEqual(err.body, { error: 'unauthorized', error_description: 'missing bearer token' });
});

test('statuses: 400 malformed, 401 invalid token, 403 missing right', () => {
  assert.equal(new GuardError('ERR_GUARD_MULTIPLE_TOKENS', challenges).status, 400);
  assert.equal(new GuardError('ERR_GUARD_REVOKED', challenges).status, 401);
  assert.equal(new GuardError('ERR_GUARD_ROLE_MISSING', challenges).status, 403);
});

test('an unknown reason falls back to a generic invalid_token', () => {
  const err = new GuardError('nonsense' as never, challenges);
  assert.equal(err.reason, 'ERR_GUARD_UNEXPECTED');
  assert.equal(err.status, 401);
});
