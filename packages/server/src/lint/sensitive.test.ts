import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMON_SECRETS, isCommonSecret } from './common-secrets.js';
import { isSensitiveClaimName, looksLikeCardNumber, looksLikeSsn } from './sensitive.js';

describe('sensitive claims', () => {
  it('recognizes sensitive names in any case style', () => {
    for (const name of [
      'password',
      'userPassword',
      'passwd',
      'pwd',
      'secret',
      'clientSecret',
      'credit_card',
      'creditCardNumber',
      'card-number',
      'cardNo',
      'cc',
      'cc_num',
      'PAN',
      'cvv',
      'CVC',
      'SSN',
      'userSSN',
      'social_security_number',
      'api_key',
      'privateKey',
    ]) {
      assert.ok(isSensitiveClaimName(name), name);
    }
    for (const name of ['sub', 'company', 'access', 'panel', 'account', 'success', 'roles', 'scope', 'occ']) {
      assert.ok(!isSensitiveClaimName(name), name);
    }
  });

  it('recognizes Luhn-valid card numbers of 13 to 19 digits', () => {
    for (const value of [
      '4111111111111111',
      '4111 1111 1111 1111',
      '5555-5555-5555-4444',
      '378282246310005',
    ]) {
      assert.ok(looksLikeCardNumber(value), value);
    }
    for (const value of [
      '4111111111111112',
      '1716239022000',
      '123456789012',
      '41111111111111111111',
      'abc',
    ]) {
      assert.ok(!looksLikeCardNumber(value), value);
    }
  });

  it('recognizes SSNs with valid area, group and serial', () => {
    assert.ok(looksLikeSsn('123-45-6789'));
    for (const value of [
      '000-12-3456',
      '666-12-3456',
      '900-12-3456',
      '123-00-4567',
      '123-45-0000',
      '123456789',
    ]) {
      assert.ok(!looksLikeSsn(value), value);
    }
  });
});

describe('common secrets', () => {
  it('holds a few hundred distinct entries including the classics', () => {
    assert.ok(COMMON_SECRETS.length >= 300);
    assert.equal(new Set(COMMON_SECRETS).size, COMMON_SECRETS.length);
    for (const s of [
      'secret',
      'your-256-bit-secret',
      'changeme',
      'password',
      'jwt_secret',
      'supersecret',
      'mysecret',
      'secretkey',
      'shhhhh',
      'keyboard cat',
      'test',
    ]) {
      assert.ok(COMMON_SECRETS.includes(s), s);
    }
  });

  it('matches case-insensitively and ignoring surrounding whitespace', () => {
    assert.ok(isCommonSecret('  Keyboard Cat\n'));
    assert.ok(isCommonSecret(Buffer.from('JWT_SECRET')));
    assert.ok(!isCommonSecret('q8Xv3nYz0L2k9PpR7tWc5mHd1JfB4sGe'));
  });
});
