// A12: aud/iss mismatch. Exact string equality only: no prefix, suffix,
// substring or case folding (PyJWT CVE-2024-53861), and a configured aud is
// required and type-checked (jwt-go CVE-2020-26160).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createVerifier, type VerifyOptions, verifyJwt } from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import { claims, forge, NOW } from '../support/forge.js';
import { secret } from '../support/keys.js';

const ISS = 'https://auth.example.com';
const AUD = 'api';
const { bytes, key } = secret('HS256');

function token(extra: Record<string, unknown>, drop: string[] = []): string {
  const payload = claims({ iss: ISS, aud: AUD, ...extra });
  for (const name of drop) delete payload[name];
  return forge({ header: { alg: 'HS256', typ: 'JWT' }, payload, key: bytes });
}

function options(extra: Partial<VerifyOptions> = {}): VerifyOptions {
  return { algorithms: ['HS256'], now: NOW, issuer: ISS, audience: AUD, ...extra };
}

function rejects(t: string, claim: string, extra: Partial<VerifyOptions> = {}): void {
  assertRejects(() => verifyJwt(t, key, options(extra)), 'ERR_JWT_CLAIM_INVALID', { token: t, claim });
  const cached = createVerifier({ keys: key, ...options(extra), cache: true });
  assertRejects(() => cached.verify(t), 'ERR_JWT_CLAIM_INVALID', { token: t, claim });
}

describe('A12: iss and aud must match exactly', () => {
  it('control: the exact iss and aud verify', () => {
    assert.equal(verifyJwt(token({}), key, options()).payload.iss, ISS);
  });

  describe('iss', () => {
    const wrong: [string, unknown][] = [
      ['another issuer', 'https://evil.example.com'],
      ['a prefix', 'https://auth.example'],
      ['a shorter prefix', 'https://'],
      ['a suffix', 'auth.example.com'],
      ['a substring', 'auth'],
      ['a superstring', 'https://auth.example.com.evil.net'],
      ['a trailing slash', 'https://auth.example.com/'],
      ['a path', 'https://auth.example.com/tenant'],
      ['upper case', 'HTTPS://AUTH.EXAMPLE.COM'],
      ['mixed case host', 'https://Auth.Example.com'],
      ['surrounding spaces', ' https://auth.example.com '],
      ['a trailing NUL', 'https://auth.example.com\u0000'],
      ['an empty string', ''],
      ['an array holding it', [ISS]],
      ['an array holding it and another', [ISS, 'https://evil.example.com']],
      ['an object', { iss: ISS }],
      ['a number', 1],
      ['null', null],
      ['true', true],
    ];
    for (const [label, iss] of wrong) {
      it(`iss as ${label} is refused`, () => rejects(token({ iss }), 'iss'));
    }

    it('a missing iss is refused when an issuer is configured', () => {
      rejects(token({}, ['iss']), 'iss');
    });

    it('an issuer list matches members exactly, never as substrings', () => {
      const issuer = [ISS, 'https://other.example.com'];
      assert.equal(
        verifyJwt(token({ iss: 'https://other.example.com' }), key, options({ issuer })).payload.sub,
        'user-1',
      );
      rejects(token({ iss: 'https://other' }), 'iss', { issuer });
      rejects(token({ iss: `${ISS},https://other.example.com` }), 'iss', { issuer });
    });

    it('the expected value is not matched as a substring of the token value either', () => {
      rejects(token({ iss: `${ISS}${ISS}` }), 'iss');
      rejects(token({ iss: 'https://auth.example.co' }), 'iss', { issuer: 'https://auth.example.com' });
    });
  });

  describe('aud', () => {
    const wrong: [string, unknown][] = [
      ['missing', undefined],
      ['an empty string', ''],
      ['an empty array', []],
      ['an array without ours', ['web', 'admin']],
      ['a prefix', 'ap'],
      ['a superstring', 'api2'],
      ['a suffix', 'pi'],
      ['upper case', 'API'],
      ['with a space', 'api '],
      ['ours inside a longer string', 'web api'],
      ['a comma list', 'api,web'],
      ['an array of arrays', [['api']]],
      ['an array with a non-string', ['api', 1]],
      ['an array with null', [null, 'api']],
      ['an object', { api: true }],
      ['a number', 0],
      ['null', null],
      ['true', true],
    ];
    for (const [label, aud] of wrong) {
      it(`aud ${label} is refused`, () => {
        rejects(aud === undefined ? token({}, ['aud']) : token({ aud }), 'aud');
      });
    }

    it('an array containing ours among others is accepted', () => {
      for (const aud of [['web', 'api'], ['api'], ['api', 'api'], ['a', 'b', 'api', 'c']]) {
        assert.deepEqual(verifyJwt(token({ aud }), key, options()).payload.aud, aud);
      }
    });

    it('an audience list accepts any exact member', () => {
      const audience = ['api', 'admin-api'];
      assert.equal(
        verifyJwt(token({ aud: 'admin-api' }), key, options({ audience })).payload.aud,
        'admin-api',
      );
      rejects(token({ aud: 'admin' }), 'aud', { audience });
    });

    it('a malformed aud is refused even when no audience is configured', () => {
      for (const aud of [1, { api: true }, ['api', 2], null]) {
        assertRejects(
          () => verifyJwt(token({ aud }), key, { algorithms: ['HS256'], now: NOW }),
          'ERR_JWT_CLAIM_INVALID',
          { claim: 'aud' },
        );
      }
    });
  });

  it('sub, when configured, is exact too', () => {
    rejects(token({ sub: 'user-10' }), 'sub', { subject: 'user-1' });
    rejects(token({ sub: 'USER-1' }), 'sub', { subject: 'user-1' });
    rejects(token({ sub: ['user-1'] }), 'sub', { subject: 'user-1' });
    rejects(token({}, ['sub']), 'sub', { subject: 'user-1' });
  });

  it('empty or malformed expectations are refused at construction (no accidental "match anything")', () => {
    for (const bad of [
      { issuer: '' },
      { issuer: [] },
      { audience: '' },
      { audience: [] },
      { audience: [1] },
      { issuer: [ISS, ''] },
    ]) {
      assertRejects(
        () => createVerifier({ keys: key, algorithms: ['HS256'], ...(bad as object) }),
        'ERR_INVALID_OPTIONS',
      );
    }
  });
});
