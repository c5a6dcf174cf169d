// Properties (fast-check): hostile input never verifies and never throws anything
// but a JwtError; valid input round-trips. Inputs: random strings and bytes,
// base64url-ish segments, and mutations of genuine tokens (including ones
// re-signed with the right key, so only the parser stands in the way).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  createKeySet,
  createVerifier,
  decodeJwtUnverified,
  generateKeyPair,
  generateSecret,
  type JwtClaims,
  JwtError,
  signJws,
  signJwt,
  verifyJws,
  verifyJwt,
} from '../src/index.js';
// The canonical-base64url check is internal; its contract is tested directly.
import { encodeBase64url, isCanonicalBase64url } from '../src/lib/base64url.js';
import { b64u, rawSignature } from './support/forge.js';
import { ALL_ALGS } from './support/keys.js';

const NUM_RUNS = 300;
const NOW = new Date('2026-03-01T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;

const secret = generateSecret('HS256', { kid: 'hs' });
const ed = generateKeyPair('EdDSA', { kid: 'ed' });
const es = generateKeyPair('ES256', { kid: 'es' });
const OPTIONS = { algorithms: ALL_ALGS, now: NOW };

/** Every way this library can accept a token; a hostile token must get past none of them. */
const verifiers: [string, (token: string) => unknown][] = [
  ['verifyJwt HS256', (t) => verifyJwt(t, secret, OPTIONS)],
  ['verifyJwt EdDSA', (t) => verifyJwt(t, ed.publicKey, OPTIONS)],
  ['verifyJwt key set', (t) => verifyJwt(t, createKeySet([ed.publicKey, es.publicKey]), OPTIONS)],
  ['verifyJws HS256', (t) => verifyJws(t, secret, { algorithms: ALL_ALGS })],
  ['verifyJws EdDSA', (t) => verifyJws(t, ed.publicKey, { algorithms: ALL_ALGS })],
  ['cached verifier', createVerifier({ ...OPTIONS, keys: secret, cache: true }).verify],
];

/**
 * Asserts that no verifier accepts `token` and that every failure is a JwtError.
 * `jwtOnly` leaves out verifyJws, for tokens whose flaw is in the claims (a JWS
 * payload is opaque bytes).
 */
function assertRejected(token: string, jwtOnly = false): void {
  for (const [name, verify] of verifiers) {
    if (jwtOnly && name.startsWith('verifyJws')) continue;
    let result: unknown;
    try {
      result = verify(token);
    } catch (err) {
      if (!(err instanceof JwtError)) {
        assert.fail(`${name} threw a non-JwtError ${String(err)} for ${JSON.stringify(token)}`);
      }
      continue;
    }
    assert.fail(`${name} accepted ${JSON.stringify(token)}: ${JSON.stringify(result)}`);
  }
  try {
    decodeJwtUnverified(token);
  } catch (err) {
    if (!(err instanceof JwtError)) assert.fail(`decodeJwtUnverified threw a non-JwtError ${String(err)}`);
  }
}

const CLAIMS = { sub: 'user-1', scope: 'read', n: 1 };
const hsToken = signJwt(CLAIMS, secret, { expiresIn: '1h', now: NOW });
const edToken = signJwt(CLAIMS, ed.privateKey, { expiresIn: '1h', now: NOW, audience: ['a', 'b'] });
const esToken = signJwt(CLAIMS, es.privateKey, { expiresIn: '1h', now: NOW });
const genuine = fc.constantFrom(hsToken, edToken, esToken);

test('the genuine tokens used for mutations do verify', () => {
  verifyJwt(hsToken, secret, OPTIONS);
  verifyJwt(edToken, ed.publicKey, OPTIONS);
  verifyJwt(esToken, es.publicKey, OPTIONS);
});

/** Characters that matter to a compact-JWS parser, plus the base64url alphabet. */
const SPECIALS = '.=+/ ?\t\n%{}"\\\u00e9\u2019\ufeff\u0000';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const b64ish = fc.string({ unit: fc.constantFrom(...B64URL, ...B64URL, ...SPECIALS) });
const anyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  b64ish,
);

describe('hostile input never verifies and only throws JwtError', () => {
  test('random strings', () => {
    fc.assert(
      fc.property(anyString, (s) => assertRejected(s)),
      { numRuns: NUM_RUNS },
    );
  });

  test('random bytes read as UTF-8 and Latin-1', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        assertRejected(Buffer.from(bytes).toString('utf8'));
        assertRejected(Buffer.from(bytes).toString('latin1'));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('random base64url-ish segments', () => {
    fc.assert(
      fc.property(fc.array(b64ish, { minLength: 1, maxLength: 6 }), (segments) => {
        assertRejected(segments.join('.'));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('plausible tokens: JSON header with a real alg, JSON claims, random signature of the right size', () => {
    const header = fc.record({
      alg: fc.constantFrom(...ALL_ALGS, 'none'),
      kid: fc.constantFrom('hs', 'ed', 'es'),
    });
    fc.assert(
      fc.property(
        header,
        fc.jsonValue({ maxDepth: 3 }),
        fc.uint8Array({ minLength: 32, maxLength: 64 }),
        (h, c, s) => {
          assertRejected(`${b64u(JSON.stringify(h))}.${b64u(JSON.stringify(c))}.${b64u(s)}`);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  test('mutation: one character replaced', () => {
    fc.assert(
      fc.property(genuine, fc.nat(), fc.constantFrom(...B64URL, ...SPECIALS), (token, at, ch) => {
        const i = at % token.length;
        const mutated = token.slice(0, i) + ch + token.slice(i + 1);
        fc.pre(mutated !== token);
        assertRejected(mutated);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('mutation: characters inserted', () => {
    fc.assert(
      fc.property(
        genuine,
        fc.nat(),
        b64ish.filter((s) => s.length > 0),
        (token, at, inserted) => {
          const i = at % (token.length + 1);
          assertRejected(token.slice(0, i) + inserted + token.slice(i));
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  test('mutation: characters deleted', () => {
    fc.assert(
      fc.property(genuine, fc.nat(), fc.integer({ min: 1, max: 12 }), (token, at, count) => {
        const i = at % token.length;
        assertRejected(token.slice(0, i) + token.slice(i + count));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('mutation: segments swapped, duplicated, dropped or added', () => {
    const shapes = fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(genuine, shapes, (token, order) => {
        const parts = token.split('.');
        fc.pre(order.join() !== '0,1,2');
        assertRejected(order.map((i) => parts[i]).join('.'));
      }),
      { numRuns: NUM_RUNS },
    );
    // Segments borrowed across genuine tokens (header of one, payload of another).
    const [h1, p1, s1] = hsToken.split('.') as [string, string, string];
    const [h2, p2, s2] = edToken.split('.') as [string, string, string];
    for (const t of [`${h1}.${p2}.${s1}`, `${h2}.${p1}.${s2}`, `${h1}.${p1}.${s2}`, `${h2}.${p2}.${s1}`]) {
      assertRejected(t);
    }
  });

  test('mutation: header replaced by random JSON (not re-signed)', () => {
    const header = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
      fc.record(
        {
          alg: fc.constantFrom(...ALL_ALGS),
          typ: fc.string(),
          kid: fc.string(),
          crit: fc.array(fc.string()),
        },
        { requiredKeys: ['alg'] },
      ),
    );
    fc.assert(
      fc.property(genuine, header, (token, h) => {
        const [orig, payload, signature] = token.split('.');
        const segment = b64u(JSON.stringify(h) ?? 'null');
        fc.pre(segment !== orig);
        assertRejected(`${segment}.${payload}.${signature}`);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('mutation: random header members re-signed with the right key still need a valid header', () => {
    // Correctly MACed, so only header checks (alg allow-list, crit, JWE parameters, kid,
    // __proto__) decide. Whatever passes them must then be a token with the key's alg.
    const extra = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
    fc.assert(
      fc.property(extra, fc.constantFrom(...ALL_ALGS, 'none', 'hs256', 'HS256 ', 'NONE'), (members, alg) => {
        const header = { ...members, alg };
        const payload = b64u(JSON.stringify({ exp: NOW_S + 60 }));
        const input = `${b64u(JSON.stringify(header))}.${payload}`;
        const token = `${input}.${rawSignature(input, secret)}`;
        let accepted = false;
        try {
          verifyJwt(token, secret, OPTIONS);
          accepted = true;
        } catch (err) {
          assert.ok(err instanceof JwtError, String(err));
        }
        if (accepted) {
          // Only a header naming the key's alg, no refused parameter and a sane kid may pass.
          assert.equal(alg, 'HS256');
          for (const name of ['crit', 'b64', 'enc', 'zip', 'p2c', '__proto__']) {
            assert.ok(!Object.hasOwn(members, name), `accepted a header with ${name}`);
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('mutation: duplicate member in the header or the claims, re-signed with the right key', () => {
    const value = fc.jsonValue({ maxDepth: 1 });
    fc.assert(
      fc.property(
        fc.constantFrom('alg', 'typ', 'kid', 'sub', 'exp', 'aud', 'x'),
        value,
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (name, dup, inHeader, escaped, first) => {
          const key = escaped
            ? `\\u${name.charCodeAt(0).toString(16).padStart(4, '0')}${name.slice(1)}`
            : name;
          const member = `"${key}":${JSON.stringify(dup)}`;
          const base = inHeader
            ? {
                header: { alg: 'HS256', typ: 'JWT', kid: 'hs', [name]: name === 'alg' ? 'HS256' : 'v' },
                claims: CLAIMS,
              }
            : { header: { alg: 'HS256' }, claims: { ...CLAIMS, exp: NOW_S + 60, [name]: 'v' } };
          const withDup = (json: string) =>
            first ? `{${member},${json.slice(1)}` : `${json.slice(0, -1)},${member}}`;
          const headerJson = inHeader ? withDup(JSON.stringify(base.header)) : JSON.stringify(base.header);
          const claimsJson = inHeader ? JSON.stringify(base.claims) : withDup(JSON.stringify(base.claims));
          const input = `${b64u(headerJson)}.${b64u(claimsJson)}`;
          const token = `${input}.${rawSignature(input, secret)}`;
          assertRejected(token, !inHeader);
          let code: string | undefined;
          try {
            verifyJwt(token, secret, { algorithms: ['HS256'], now: NOW, requireExp: false });
          } catch (err) {
            code = (err as JwtError).code;
          }
          // A duplicate is refused by the JSON parser itself: the same code whatever the values.
          assert.equal(code, inHeader ? 'ERR_JWS_INVALID' : 'ERR_JWT_INVALID');
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  test('mutation: alg changed, with and without re-signing', () => {
    const algs = fc.constantFrom(...ALL_ALGS, 'none', 'None', 'hs256', 'HS256\u0000', ' HS256', '');
    // HMAC keys an attacker can know: the verifier's public keys in their usual encodings.
    const publicBytes = [ed.publicKey, es.publicKey].flatMap((k) => [
      k.keyObject.export({ format: 'pem', type: 'spki' }),
      k.keyObject.export({ format: 'der', type: 'spki' }),
      JSON.stringify(k.keyObject.export({ format: 'jwk' })),
    ]);
    const resign = fc.oneof(
      fc.constant('keep' as const),
      fc.constant('secret' as const),
      fc.constantFrom(...publicBytes),
    );
    fc.assert(
      fc.property(genuine, algs, resign, (token, alg, how) => {
        const [h, p, s] = token.split('.') as [string, string, string];
        const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
        fc.pre(header.alg !== alg);
        // Re-signed with the real secret as HS256 it is a genuine token of the secret's holder.
        fc.pre(!(how === 'secret' && alg === 'HS256'));
        const input = `${b64u(JSON.stringify({ ...header, alg }))}.${p}`;
        let signature = s;
        if (how === 'secret') signature = rawSignature(input, secret);
        else if (how !== 'keep') signature = createHmac('sha256', how).update(input).digest('base64url');
        assertRejected(`${input}.${signature}`);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('round trips', () => {
  const REGISTERED = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', '__proto__']);
  const claimName = fc.string({ unit: 'binary', maxLength: 12 }).filter((k) => !REGISTERED.has(k));
  const noProto = (v: unknown) => !JSON.stringify(v).includes('"__proto__"');
  const claimsArb = fc
    .dictionary(claimName, fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }), { maxKeys: 8 })
    .filter(noProto);

  test('any JSON claims object signed and verified returns equal claims', () => {
    fc.assert(
      fc.property(claimsArb, fc.constantFrom(secret, ed.privateKey), (claims, key) => {
        const token = signJwt(claims as JwtClaims, key, { expiresIn: 60, now: NOW });
        const verifyKey = key === secret ? secret : ed.publicKey;
        const { payload } = verifyJwt(token, verifyKey, { ...OPTIONS, maxTokenLength: 1 << 20 });
        const expected = { ...JSON.parse(JSON.stringify(claims)), iat: NOW_S, exp: NOW_S + 60 };
        assert.deepEqual({ ...payload }, expected);
        assert.deepEqual(decodeJwtUnverified(token).payload, payload);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('registered claims with valid types round-trip', () => {
    const registered = fc.record(
      {
        iss: fc.string({ minLength: 1 }),
        sub: fc.string(),
        aud: fc.oneof(fc.string({ minLength: 1 }), fc.array(fc.string({ minLength: 1 }), { minLength: 1 })),
        jti: fc.string(),
        nbf: fc.integer({ min: 0, max: NOW_S }),
        iat: fc.integer({ min: 0, max: NOW_S }),
        exp: fc.integer({ min: NOW_S + 1, max: 2 ** 40 }),
      },
      { requiredKeys: ['exp'] },
    );
    fc.assert(
      fc.property(registered, (claims) => {
        const token = signJwt(claims, secret, { now: NOW });
        const { payload } = verifyJwt(token, secret, OPTIONS);
        const expected = { ...claims, iat: claims.iat ?? NOW_S };
        assert.deepEqual({ ...payload }, expected);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('any payload bytes signed as a JWS verify to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.constantFrom(secret, ed.privateKey), (bytes, key) => {
        const token = signJws(bytes, key);
        const verifyKey = key === secret ? secret : ed.publicKey;
        assert.deepEqual(
          Buffer.from(verifyJws(token, verifyKey, { algorithms: [key.alg] }).payload),
          Buffer.from(bytes),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('the canonical base64url check agrees with "decode then re-encode gives the input"', () => {
    fc.assert(
      fc.property(b64ish, (s) => {
        assert.equal(isCanonicalBase64url(s), Buffer.from(s, 'base64url').toString('base64url') === s, s);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const encoded = encodeBase64url(bytes);
        assert.ok(isCanonicalBase64url(encoded));
        assert.deepEqual(Buffer.from(encoded, 'base64url'), Buffer.from(bytes));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

test('nothing above polluted Object.prototype', () => {
  const probe: Record<string, unknown> = {};
  for (const name of ['alg', 'admin', 'aud', 'exp', 'iss']) assert.equal(probe[name], undefined, name);
});
