// A6: kid injection. Path traversal with an empty-key HMAC, SQL injection with
// a known HMAC key, shell metacharacters, a 4 KB kid, non-string kids; and
// fast-jwt CVE-2026-44351 (unknown kid ⇒ empty key).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  type Alg,
  createKeySet,
  createRemoteKeySet,
  createVerifier,
  importSecret,
  signJwt,
  verifyJwt,
} from '../../src/index.js';
import { assertRejects, assertRejectsAsync } from '../support/assert.js';
import { claims, forge, NOW } from '../support/forge.js';
import { secret } from '../support/keys.js';
import { listen } from '../support/server.js';

const OPTS = { algorithms: ['HS256'] as Alg[], now: NOW };

/** HMAC keys an injected kid would make a careless resolver use. */
const INJECTED_KEYS: [string, Uint8Array | string][] = [
  ['an empty key (/dev/null)', Buffer.alloc(0)],
  ['the key "k" (UNION SELECT \'k\')', 'k'],
  ['a NUL byte', Buffer.alloc(1)],
  ['the string "undefined"', 'undefined'],
  ['the string "null"', 'null'],
];

const INJECTED_KIDS = [
  '../../../../dev/null',
  '/dev/null',
  '../../../../../../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  "x' UNION SELECT 'k'--",
  "' OR '1'='1",
  '"; DROP TABLE keys; --',
  '$(id)',
  '`id`',
  '|id',
  '; cat /etc/passwd',
  `\${jndi:ldap://127.0.0.1/a}`,
  'k1\u0000',
  'k1 ',
  ' k1',
  'K1',
  'k1/../k1',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'x'.repeat(256),
];

describe('A6: kid injection', () => {
  const k1 = secret('HS256', 'k1');
  const k2 = secret('HS256', 'k2');
  const fallback = secret('HS256');
  const set = createKeySet([k1.key, k2.key]);
  const setWithKidless = createKeySet([k1.key, fallback.key]);

  it('control: an exact kid selects its key', () => {
    const token = signJwt(claims(), k1.key, { now: NOW });
    assert.equal(verifyJwt(token, set, OPTS).header.kid, 'k1');
    assertRejects(
      () =>
        verifyJwt(
          forge({ header: { alg: 'HS256', kid: 'k2' }, payload: claims(), key: k1.bytes }),
          set,
          OPTS,
        ),
      'ERR_JWS_INVALID_SIGNATURE',
    );
  });

  for (const kid of INJECTED_KIDS) {
    it(`kid ${JSON.stringify(kid.length > 40 ? `${kid.slice(0, 12)}…(${kid.length})` : kid)} finds no key and falls back to none`, () => {
      const signers: [string, Uint8Array | string][] = [
        ...INJECTED_KEYS,
        ['k1', k1.bytes],
        ['the kid-less key', fallback.bytes],
      ];
      for (const [, key] of signers) {
        const token = forge({ header: { alg: 'HS256', kid }, payload: claims(), key });
        const leak = { token, secrets: [k1.bytes, k2.bytes, fallback.bytes] };
        assertRejects(() => verifyJwt(token, set, OPTS), 'ERR_JWKS_NO_MATCHING_KEY', leak);
        assertRejects(() => verifyJwt(token, setWithKidless, OPTS), 'ERR_JWKS_NO_MATCHING_KEY', leak);
        const verifier = createVerifier({ keys: set, ...OPTS, cache: true });
        assertRejects(() => verifier.verify(token), 'ERR_JWKS_NO_MATCHING_KEY', leak);
      }
      // A single configured key ignores kid, and the injected key's MAC does not verify.
      for (const [, key] of INJECTED_KEYS) {
        const token = forge({ header: { alg: 'HS256', kid }, payload: claims(), key });
        assertRejects(() => verifyJwt(token, k1.key, OPTS), 'ERR_JWS_INVALID_SIGNATURE', { token });
      }
    });
  }

  const badKids: [string, unknown][] = [
    ['a 4 KB kid', `../../${'a'.repeat(4096)}`],
    ['a 257-character kid', 'x'.repeat(257)],
    ['an empty kid', ''],
    ['a numeric kid', 1],
    ['kid 0', 0],
    ['kid true', true],
    ['kid null', null],
    ['an object kid', { $ne: null }],
    ['an array kid', ['k1']],
  ];
  for (const [label, kid] of badKids) {
    it(`${label} ⇒ ERR_JWS_INVALID, before any key lookup`, () => {
      const token = forge({ header: { alg: 'HS256', kid }, payload: claims(), key: k1.bytes });
      assertRejects(() => verifyJwt(token, set, { ...OPTS, maxTokenLength: 16_384 }), 'ERR_JWS_INVALID', {
        token,
      });
      assertRejects(() => verifyJwt(token, k1.key, { ...OPTS, maxTokenLength: 16_384 }), 'ERR_JWS_INVALID', {
        token,
      });
    });
  }

  it('a 4 KB kid against a remote set is refused before any fetch', async () => {
    const issuer = await listen();
    try {
      const verifier = createVerifier({
        keys: createRemoteKeySet(`${issuer.origin}/jwks.json`),
        ...OPTS,
        maxTokenLength: 16_384,
      });
      const token = forge({
        header: { alg: 'HS256', kid: 'a'.repeat(4096) },
        payload: claims(),
        key: k1.bytes,
      });
      await assertRejectsAsync(() => verifier.verify(token), 'ERR_JWS_INVALID', { token });
      assert.equal(issuer.hits, 0);
    } finally {
      await issuer.close();
    }
  });

  it('fast-jwt CVE-2026-44351: empty, tiny or missing HMAC keys cannot exist to fall back to', () => {
    assertRejects(() => importSecret('', { alg: 'HS256' }), 'ERR_KEY_WEAK');
    assertRejects(() => importSecret(Buffer.alloc(0), { alg: 'HS256' }), 'ERR_KEY_WEAK');
    assertRejects(() => importSecret('k', { alg: 'HS256' }), 'ERR_KEY_WEAK');
    assertRejects(() => importSecret(undefined as never, { alg: 'HS256' }), 'ERR_KEY_INVALID');
    assertRejects(() => createKeySet([k1.key, undefined as never]), 'ERR_JWKS_INVALID');
    assertRejects(() => createKeySet([k1.key, '' as never]), 'ERR_JWKS_INVALID');
  });

  it('a key kid itself is a bounded string', () => {
    assertRejects(
      () => importSecret(k1.bytes, { alg: 'HS256', kid: 'a'.repeat(4096) }),
      'ERR_INVALID_OPTIONS',
    );
    assertRejects(() => importSecret(k1.bytes, { alg: 'HS256', kid: '' }), 'ERR_INVALID_OPTIONS');
    assertRejects(() => importSecret(k1.bytes, { alg: 'HS256', kid: 7 as never }), 'ERR_INVALID_OPTIONS');
  });

  it('no file, database, process or socket module is reachable from the verifier (kid is a map lookup)', () => {
    const src = fileURLToPath(new URL('../../src/', import.meta.url));
    const files = (readdirSync(src, { recursive: true }) as string[]).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    );
    assert.ok(files.length > 10);
    const forbidden =
      /from ['"](?:node:)?(?:fs|fs\/promises|child_process|net|http|https|dgram|dns|worker_threads|vm)['"]|\brequire\(|\bimport\(/;
    for (const file of files) {
      const text = readFileSync(join(src, file), 'utf8');
      assert.ok(!forbidden.test(text), `${file} imports a module with side effects`);
      assert.ok(!/\beval\(|new Function\(/.test(text), `${file} evaluates code`);
    }
  });
});
