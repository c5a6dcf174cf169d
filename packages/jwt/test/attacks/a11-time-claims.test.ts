// A11: time claims. Expiry and not-before edges at ±1 s with a frozen clock,
// bounded leeway, a future iat, a missing exp, and non-numeric or non-finite
// NumericDates (Rust jsonwebtoken CVE-2026-25537 treated them as absent).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createVerifier, type JwtErrorCode, type VerifyOptions, verifyJwt } from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import { forge, NOW, NOW_S } from '../support/forge.js';
import { secret } from '../support/keys.js';

const { bytes, key } = secret('HS256');

function token(payload: Record<string, unknown> | string): string {
  return forge({ header: { alg: 'HS256', typ: 'JWT' }, payload, key: bytes });
}

function at(seconds: number): Date {
  return new Date(seconds * 1000);
}

function verify(t: string, opts: Partial<VerifyOptions> = {}) {
  return verifyJwt(t, key, { algorithms: ['HS256'], now: NOW, ...opts });
}

function rejects(t: string, code: JwtErrorCode, claim: string, opts: Partial<VerifyOptions> = {}): void {
  assertRejects(() => verify(t, opts), code, { token: t, claim });
  // The cached verifier applies the same rules.
  const cached = createVerifier({ keys: key, algorithms: ['HS256'], now: NOW, ...opts, cache: true });
  assertRejects(() => cached.verify(t), code, { token: t, claim });
  assertRejects(() => cached.verify(t), code, { token: t, claim });
}

describe('A11: time claims', () => {
  describe('exp: now must be before exp', () => {
    it('exp = now − 1 and exp = now are expired; exp = now + 1 is not', () => {
      rejects(token({ sub: 'u', exp: NOW_S - 1 }), 'ERR_JWT_EXPIRED', 'exp');
      rejects(token({ sub: 'u', exp: NOW_S }), 'ERR_JWT_EXPIRED', 'exp');
      rejects(token({ sub: 'u', exp: NOW_S - 0.001 }), 'ERR_JWT_EXPIRED', 'exp');
      assert.equal(verify(token({ sub: 'u', exp: NOW_S + 1 })).payload.sub, 'u');
      assert.equal(verify(token({ sub: 'u', exp: NOW_S + 0.5 })).payload.sub, 'u');
    });

    it('the clock frozen at exp − 1 s, exp and exp + 1 s', () => {
      const t = token({ sub: 'u', exp: NOW_S });
      assert.equal(verify(t, { now: at(NOW_S - 1) }).payload.sub, 'u');
      assert.equal(verify(t, { now: new Date(NOW.getTime() - 1) }).payload.sub, 'u');
      rejects(t, 'ERR_JWT_EXPIRED', 'exp', { now: at(NOW_S) });
      rejects(t, 'ERR_JWT_EXPIRED', 'exp', { now: at(NOW_S + 1) });
    });

    it('a missing exp is refused unless requireExp is false', () => {
      const t = token({ sub: 'u', iat: NOW_S });
      rejects(t, 'ERR_JWT_CLAIM_INVALID', 'exp');
      assert.equal(verify(t, { requireExp: false }).payload.sub, 'u');
    });
  });

  describe('nbf: now must not be before nbf', () => {
    it('nbf = now + 60 and now + 1 are not valid yet; nbf = now and now − 1 are', () => {
      const exp = NOW_S + 600;
      rejects(token({ sub: 'u', exp, nbf: NOW_S + 60 }), 'ERR_JWT_NOT_YET_VALID', 'nbf');
      rejects(token({ sub: 'u', exp, nbf: NOW_S + 1 }), 'ERR_JWT_NOT_YET_VALID', 'nbf');
      assert.equal(verify(token({ sub: 'u', exp, nbf: NOW_S })).payload.sub, 'u');
      assert.equal(verify(token({ sub: 'u', exp, nbf: NOW_S - 1 })).payload.sub, 'u');
    });

    it('the clock frozen at nbf − 1 s, nbf and nbf + 1 s', () => {
      const t = token({ sub: 'u', exp: NOW_S + 600, nbf: NOW_S });
      rejects(t, 'ERR_JWT_NOT_YET_VALID', 'nbf', { now: at(NOW_S - 1) });
      assert.equal(verify(t, { now: at(NOW_S) }).payload.sub, 'u');
      assert.equal(verify(t, { now: at(NOW_S + 1) }).payload.sub, 'u');
    });
  });

  describe('leeway is bounded (≤ 60 s) and applies at ±1 s of each edge', () => {
    it('clockTolerance 60: exp = now − 60 expired, now − 59 valid; nbf = now + 60 valid, now + 61 not yet', () => {
      const opts = { clockTolerance: 60 };
      rejects(token({ sub: 'u', exp: NOW_S - 60 }), 'ERR_JWT_EXPIRED', 'exp', opts);
      rejects(token({ sub: 'u', exp: NOW_S - 61 }), 'ERR_JWT_EXPIRED', 'exp', opts);
      assert.equal(verify(token({ sub: 'u', exp: NOW_S - 59 }), opts).payload.sub, 'u');
      assert.equal(verify(token({ sub: 'u', exp: NOW_S + 600, nbf: NOW_S + 60 }), opts).payload.sub, 'u');
      rejects(token({ sub: 'u', exp: NOW_S + 600, nbf: NOW_S + 61 }), 'ERR_JWT_NOT_YET_VALID', 'nbf', opts);
    });

    it("clockTolerance '30s' is 30 seconds", () => {
      const opts = { clockTolerance: '30s' };
      rejects(token({ sub: 'u', exp: NOW_S - 30 }), 'ERR_JWT_EXPIRED', 'exp', opts);
      assert.equal(verify(token({ sub: 'u', exp: NOW_S - 29 }), opts).payload.sub, 'u');
    });

    it('a tolerance over 60 s, negative, or malformed is refused at construction', () => {
      for (const clockTolerance of [
        61,
        60.5,
        '61s',
        '2m',
        '1h',
        '1d',
        Number.POSITIVE_INFINITY,
        -1,
        Number.NaN,
        '60',
        '1 min',
        '',
      ]) {
        assertRejects(
          () => createVerifier({ keys: key, algorithms: ['HS256'], clockTolerance: clockTolerance as never }),
          'ERR_INVALID_OPTIONS',
        );
      }
    });
  });

  describe('iat', () => {
    const far = NOW_S + 10 * 365 * 86400;

    it('a far-future iat is accepted without maxTokenAge (documented), refused with it', () => {
      const t = token({ sub: 'u', exp: NOW_S + 600, iat: far });
      assert.equal(verify(t).payload.sub, 'u');
      rejects(t, 'ERR_JWT_CLAIM_INVALID', 'iat', { maxTokenAge: '1h' });
    });

    it('iat = now + 1 is in the future unless the tolerance covers it', () => {
      const t = token({ sub: 'u', exp: NOW_S + 600, iat: NOW_S + 1 });
      rejects(t, 'ERR_JWT_CLAIM_INVALID', 'iat', { maxTokenAge: 3600 });
      assert.equal(verify(t, { maxTokenAge: 3600, clockTolerance: 1 }).payload.sub, 'u');
      assert.equal(
        verify(token({ sub: 'u', exp: NOW_S + 600, iat: NOW_S }), { maxTokenAge: 3600 }).payload.sub,
        'u',
      );
    });

    it('maxTokenAge: age = max is valid, max + 1 s is expired, missing iat is refused', () => {
      const opts = { maxTokenAge: 3600 };
      assert.equal(verify(token({ sub: 'u', exp: NOW_S + 600, iat: NOW_S - 3600 }), opts).payload.sub, 'u');
      rejects(token({ sub: 'u', exp: NOW_S + 600, iat: NOW_S - 3601 }), 'ERR_JWT_EXPIRED', 'iat', opts);
      rejects(token({ sub: 'u', exp: NOW_S + 600 }), 'ERR_JWT_CLAIM_INVALID', 'iat', opts);
    });
  });

  describe('NumericDate must be a finite number', () => {
    const bad: [string, string][] = [
      ['"1" (a string)', '"1"'],
      ['"9999999999" (a string far in the future)', '"9999999999"'],
      ['1e400 (parses to Infinity)', '1e400'],
      ['-1e400 (parses to -Infinity)', '-1e400'],
      ['true', 'true'],
      ['false', 'false'],
      ['null', 'null'],
      ['[] ', '[]'],
      [`[${NOW_S + 600}]`, `[${NOW_S + 600}]`],
      ['{}', '{}'],
      ['""', '""'],
    ];
    for (const claim of ['exp', 'nbf', 'iat']) {
      for (const [label, json] of bad) {
        it(`${claim} = ${label} ⇒ ERR_JWT_CLAIM_INVALID, never "absent"`, () => {
          const others = claim === 'exp' ? '' : `,"exp":${NOW_S + 600}`;
          const t = token(`{"sub":"u"${others},"${claim}":${json}}`);
          rejects(t, 'ERR_JWT_CLAIM_INVALID', claim);
          rejects(t, 'ERR_JWT_CLAIM_INVALID', claim, { requireExp: false });
        });
      }
    }

    it('a negative or zero exp is simply expired', () => {
      rejects(token({ sub: 'u', exp: -1 }), 'ERR_JWT_EXPIRED', 'exp');
      rejects(token({ sub: 'u', exp: 0 }), 'ERR_JWT_EXPIRED', 'exp');
      rejects(token('{"sub":"u","exp":-0}'), 'ERR_JWT_EXPIRED', 'exp');
    });

    it('a huge nbf does not overflow into "valid"', () => {
      rejects(token({ sub: 'u', exp: NOW_S + 600, nbf: Number.MAX_VALUE }), 'ERR_JWT_NOT_YET_VALID', 'nbf');
      rejects(token({ sub: 'u', exp: NOW_S + 600, nbf: 1e300 }), 'ERR_JWT_NOT_YET_VALID', 'nbf', {
        clockTolerance: 60,
      });
    });
  });
});
