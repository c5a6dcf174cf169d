// Conformance: every published vector copied into test/vectors/ gives the expected
// result. Valid JWTs verify with the clock pinned before their exp; non-JSON
// payloads verify as JWS with the payload bytes compared; deterministic signatures
// are reproduced byte for byte; what the library deliberately refuses (alg none,
// JSON serializations, b64=false, detached content) is refused with a typed error.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  type Alg,
  createKeySet,
  decodeJwtUnverified,
  importJwk,
  type Jwk,
  type JwtErrorCode,
  jwkThumbprint,
  signJws,
  verifyJws,
  verifyJwt,
} from '../src/index.js';
import { assertRejects } from './support/assert.js';
import { b64u, rawSignature } from './support/forge.js';
import { ALL_ALGS } from './support/keys.js';
import {
  type JwsJson,
  loadVectors,
  type Rfc7515File,
  type Rfc7515Vector,
  type Rfc7519File,
  type Rfc7520File,
  type Rfc7638File,
  type Rfc7797File,
  type Rfc8037File,
} from './support/vectors.js';

const rfc7515 = loadVectors<Rfc7515File>('rfc7515-appendix-a.json');
const rfc7519 = loadVectors<Rfc7519File>('rfc7519-examples.json');
const rfc7520 = loadVectors<Rfc7520File>('rfc7520-jws-examples.json');
const rfc7638 = loadVectors<Rfc7638File>('rfc7638-thumbprint.json');
const rfc7797 = loadVectors<Rfc7797File>('rfc7797-b64.json');
const rfc8037 = loadVectors<Rfc8037File>('rfc8037-ed25519.json');

/** The RFC 7515/7519 example tokens expire at 1300819380 (2011-03-22T18:43:00Z). */
const EXAMPLE_EXP = 1300819380;
const BEFORE_EXP = new Date((EXAMPLE_EXP - 60) * 1000);
const AT_EXP = new Date(EXAMPLE_EXP * 1000);
/** The JWS-only vectors have no time claims; any fixed clock will do. */
const FIXED_NOW = new Date('2026-01-01T00:00:00Z');

const text = (bytes: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(bytes);

function vector7515(id: string): Rfc7515Vector {
  const found = rfc7515.vectors.find((v) => v.id === id);
  assert.ok(found, `RFC 7515 vector ${id} is missing`);
  return found;
}

function jwkOf(v: Rfc7515Vector): Jwk {
  assert.ok(typeof v.key === 'object' && v.key !== null, `${v.id} has no inline key`);
  return v.key;
}

function vector7520(id: string): Rfc7520File['vectors'][number] {
  const found = rfc7520.vectors.find((v) => v.id === id);
  assert.ok(found, `RFC 7520 vector ${id} is missing`);
  return found;
}

/** RFC 7520 keys carry no alg, or one that may differ from the token's: import with the token's alg. */
function key7520(name: string, alg: Alg, publicOnly = false) {
  const jwk = rfc7520.keys[name];
  assert.ok(jwk, `RFC 7520 key ${name} is missing`);
  const { alg: _labelled, ...unbound } = jwk;
  return importJwk(publicOnly ? publicPart(unbound) : unbound, { alg });
}

function publicPart(jwk: Jwk): Jwk {
  const { d, p, q, dp, dq, qi, k, ...pub } = jwk;
  return pub;
}

describe('RFC 7515 Appendix A', () => {
  test('A.1 HS256 verifies as a JWT with the clock before exp, and expires at exp', () => {
    const v = vector7515('A.1');
    const key = importJwk(jwkOf(v), { alg: 'HS256' });
    const { header, payload } = verifyJwt(v.compact as string, key, {
      algorithms: ['HS256'],
      now: BEFORE_EXP,
    });
    assert.deepEqual({ ...header }, JSON.parse(v.protected_header_json as string));
    assert.deepEqual({ ...payload }, JSON.parse(v.payload_json as string));
    assertRejects(
      () => verifyJwt(v.compact as string, key, { algorithms: ['HS256'], now: AT_EXP }),
      'ERR_JWT_EXPIRED',
    );
  });

  test('A.1 HS256 MAC is reproduced over the vector header (signJws writes a different header)', () => {
    // The A.1 header is `{"typ":"JWT",\r\n "alg":"HS256"}`: signJws always writes compact
    // JSON with alg first, so the whole token can't match byte for byte. Sign the vector's
    // own signing input and compare the MAC instead.
    const v = vector7515('A.1');
    const key = importJwk(jwkOf(v), { alg: 'HS256' });
    const compact = v.compact as string;
    const [h, p, s] = compact.split('.') as [string, string, string];
    assert.equal(h, b64u(v.protected_header_json as string));
    assert.equal(p, b64u(v.payload_json as string));
    assert.equal(rawSignature(`${h}.${p}`, key), s);
    // signJws does produce a valid token for the same payload, just another header.
    const ours = signJws(v.payload_json as string, key, { header: { typ: 'JWT' } });
    assert.equal(ours.split('.')[1], p);
    assert.deepEqual(verifyJwt(ours, key, { algorithms: ['HS256'], now: BEFORE_EXP }).payload, {
      ...JSON.parse(v.payload_json as string),
    });
  });

  test('A.2 RS256 verifies as a JWT and is re-signed byte for byte by signJws', () => {
    const v = vector7515('A.2');
    const privateKey = importJwk(jwkOf(v), { alg: 'RS256' });
    const publicKey = importJwk(publicPart(jwkOf(v)), { alg: 'RS256' });
    const { header, payload } = verifyJwt(v.compact as string, publicKey, {
      algorithms: ['RS256'],
      now: BEFORE_EXP,
    });
    assert.deepEqual({ ...header }, { alg: 'RS256' });
    assert.deepEqual({ ...payload }, JSON.parse(v.payload_json as string));
    // Verifying with the private key works too (it holds the public half).
    verifyJwt(v.compact as string, privateKey, { algorithms: ['RS256'], now: BEFORE_EXP });
    // The header signJws writes, {"alg":"RS256"}, is the vector's byte for byte.
    assert.equal(v.protected_header_json, '{"alg":"RS256"}');
    assert.equal(signJws(v.payload_json as string, privateKey), v.compact);
  });

  test('A.3 ES256 (high-S signature) verifies as a JWT', () => {
    const v = vector7515('A.3');
    const publicKey = importJwk(publicPart(jwkOf(v)), { alg: 'ES256' });
    const { payload } = verifyJwt(v.compact as string, publicKey, { algorithms: ['ES256'], now: BEFORE_EXP });
    assert.deepEqual({ ...payload }, JSON.parse(v.payload_json as string));
    // ECDSA is randomized: a fresh signature differs but verifies with the vector's public key.
    const privateKey = importJwk(jwkOf(v), { alg: 'ES256' });
    const ours = signJws(v.payload_json as string, privateKey);
    assert.notEqual(ours, v.compact);
    verifyJwt(ours, publicKey, { algorithms: ['ES256'], now: BEFORE_EXP });
  });

  test('A.4 ES512 verifies as a JWS with payload "Payload", and is not a JWT', () => {
    const v = vector7515('A.4');
    const publicKey = importJwk(publicPart(jwkOf(v)), { alg: 'ES512' });
    const { header, payload } = verifyJws(v.compact as string, publicKey, { algorithms: ['ES512'] });
    assert.deepEqual({ ...header }, { alg: 'ES512' });
    assert.equal(text(payload), v.payload_text);
    assert.deepEqual(Buffer.from(payload), Buffer.from('Payload'));
    assertRejects(
      () => verifyJwt(v.compact as string, publicKey, { algorithms: ['ES512'], now: FIXED_NOW }),
      'ERR_JWT_INVALID',
    );
  });

  test('A.5 unsecured JWS (alg none) is rejected, and none cannot be allowed', () => {
    const v = vector7515('A.5');
    const hs = importJwk(jwkOf(vector7515('A.1')), { alg: 'HS256' });
    const rs = importJwk(publicPart(jwkOf(vector7515('A.2'))), { alg: 'RS256' });
    for (const key of [hs, rs]) {
      const algorithms: Alg[] = [key.alg];
      assertRejects(
        () => verifyJwt(v.compact as string, key, { algorithms, now: BEFORE_EXP }),
        'ERR_JWS_ALG_NOT_ALLOWED',
      );
      assertRejects(() => verifyJws(v.compact as string, key, { algorithms }), 'ERR_JWS_ALG_NOT_ALLOWED');
    }
    assertRejects(
      () => verifyJwt(v.compact as string, hs, { algorithms: ALL_ALGS, now: BEFORE_EXP }),
      'ERR_JWS_ALG_NOT_ALLOWED',
    );
    // `none` is not an algorithm name this library knows: asking for it is a programming error.
    assertRejects(
      () => verifyJwt(v.compact as string, hs, { algorithms: ['none' as Alg], now: BEFORE_EXP }),
      'ERR_INVALID_OPTIONS',
    );
    assertRejects(() => verifyJws(v.compact as string, hs, { algorithms: ['none'] }), 'ERR_INVALID_OPTIONS');
  });

  for (const id of ['A.6', 'A.7']) {
    test(`${id} JWS JSON serialization is rejected by the compact path`, () => {
      const v = vector7515(id);
      const json = v.json as JwsJson;
      const rs = importJwk(publicPart(jwkOf(vector7515('A.2'))), { alg: 'RS256' });
      const es = importJwk(publicPart(jwkOf(vector7515('A.3'))), { alg: 'ES256' });
      for (const token of [JSON.stringify(json), JSON.stringify(json, null, 2)]) {
        for (const key of [rs, es]) {
          const algorithms: Alg[] = [key.alg];
          assertRejects(() => verifyJwt(token, key, { algorithms, now: BEFORE_EXP }), 'ERR_JWS_INVALID');
          assertRejects(() => verifyJws(token, key, { algorithms }), 'ERR_JWS_INVALID');
        }
        assertRejects(() => decodeJwtUnverified(token), 'ERR_JWS_INVALID');
      }
    });
  }

  test('A.6/A.7 signatures are genuine: rebuilt as compact tokens they verify', () => {
    // Guards the rejection above: the JSON forms are refused for their shape, not for bad data.
    const general = vector7515('A.6').json as JwsJson;
    const rs = importJwk(publicPart(jwkOf(vector7515('A.2'))), { alg: 'RS256' });
    const es = importJwk(publicPart(jwkOf(vector7515('A.3'))), { alg: 'ES256' });
    const [first, second] = general.signatures ?? [];
    assert.ok(first && second);
    verifyJwt(`${first.protected}.${general.payload}.${first.signature}`, rs, {
      algorithms: ['RS256'],
      now: BEFORE_EXP,
    });
    verifyJwt(`${second.protected}.${general.payload}.${second.signature}`, es, {
      algorithms: ['ES256'],
      now: BEFORE_EXP,
    });
    const flat = vector7515('A.7').json as JwsJson;
    verifyJwt(`${flat.protected}.${flat.payload}.${flat.signature}`, es, {
      algorithms: ['ES256'],
      now: BEFORE_EXP,
    });
  });
});

describe('RFC 7519 examples', () => {
  test('3.1 example JWT verifies with its claims before exp, expires at exp', () => {
    const v = rfc7519.vectors.find((x) => x.id === '3.1');
    assert.ok(v?.key && v.claims);
    const key = importJwk(v.key, { alg: 'HS256' });
    const { header, payload } = verifyJwt(v.compact, key, { algorithms: ['HS256'], now: BEFORE_EXP });
    assert.deepEqual({ ...payload }, v.claims);
    assert.equal(header.typ, 'JWT');
    assert.deepEqual({ ...payload }, JSON.parse(v.claims_json as string));
    // One second before exp is still valid; at exp it is not (RFC 7519: now must be before exp).
    verifyJwt(v.compact, key, { algorithms: ['HS256'], now: new Date((EXAMPLE_EXP - 1) * 1000) });
    assertRejects(() => verifyJwt(v.compact, key, { algorithms: ['HS256'], now: AT_EXP }), 'ERR_JWT_EXPIRED');
  });

  test('6.1 unsecured JWT is rejected', () => {
    const v = rfc7519.vectors.find((x) => x.id === '6.1');
    const base = rfc7519.vectors.find((x) => x.id === '3.1');
    assert.ok(v && base?.key);
    const key = importJwk(base.key, { alg: 'HS256' });
    assertRejects(
      () => verifyJwt(v.compact, key, { algorithms: ['HS256'], now: BEFORE_EXP }),
      'ERR_JWS_ALG_NOT_ALLOWED',
    );
    assertRejects(
      () => verifyJwt(v.compact, createKeySet([key]), { algorithms: ['HS256'], now: BEFORE_EXP }),
      'ERR_JWS_ALG_NOT_ALLOWED',
    );
  });
});

describe('RFC 7520 JWS examples', () => {
  const RSA = 's3.4_rsa_private (bilbo)';
  const EC = 's3.2_ec_p521_private (bilbo)';
  const MAC = 's3.5_symmetric_mac';
  const payloadBytes = Buffer.from(rfc7520.payload_text, 'utf8');

  test('the shared payload is the UTF-8 of the text (with U+2019)', () => {
    assert.equal(b64u(rfc7520.payload_text), rfc7520.payload_b64u);
  });

  const cases: { id: string; alg: Alg; key: string; deterministic: boolean }[] = [
    { id: '4.1', alg: 'RS256', key: RSA, deterministic: true },
    { id: '4.2', alg: 'PS384', key: RSA, deterministic: false },
    { id: '4.3', alg: 'ES512', key: EC, deterministic: false },
    { id: '4.4', alg: 'HS256', key: MAC, deterministic: true },
  ];
  for (const c of cases) {
    test(`${c.id} ${c.alg} verifies as a JWS (payload bytes equal), not as a JWT`, () => {
      const v = vector7520(c.id);
      assert.equal(v.alg, c.alg);
      assert.equal(v.deterministic, c.deterministic);
      const compact = v.compact as string;
      const key = key7520(c.key, c.alg, c.alg !== 'HS256');
      const { header, payload } = verifyJws(compact, key, { algorithms: [c.alg] });
      assert.equal(header.alg, c.alg);
      assert.equal(header.kid, rfc7520.keys[c.key]?.kid);
      assert.deepEqual(Buffer.from(payload), payloadBytes);
      assert.equal(text(payload), rfc7520.payload_text);
      // Picked from a key set by kid and alg too.
      const { payload: viaSet } = verifyJws(compact, createKeySet([key]), { algorithms: [c.alg] });
      assert.deepEqual(Buffer.from(viaSet), payloadBytes);
      // The payload is prose, not a claims set.
      assertRejects(
        () => verifyJwt(compact, key, { algorithms: [c.alg], now: FIXED_NOW }),
        'ERR_JWT_INVALID',
      );
      // Only the listed algorithm is accepted.
      const others = ALL_ALGS.filter((a) => a !== c.alg);
      assertRejects(() => verifyJws(compact, key, { algorithms: others }), 'ERR_JWS_ALG_NOT_ALLOWED');
    });
  }

  for (const c of cases.filter((x) => x.deterministic)) {
    test(`${c.id} ${c.alg} is re-signed byte for byte by signJws`, () => {
      // The vector header {"alg":…,"kid":…} is exactly what signJws writes for a key with that kid.
      const compact = vector7520(c.id).compact as string;
      const key = key7520(c.key, c.alg);
      assert.equal(key.kid, rfc7520.keys[c.key]?.kid);
      assert.equal(signJws(rfc7520.payload_text, key), compact);
      assert.equal(signJws(payloadBytes, key), compact);
    });
  }

  test('4.2 PS384 and 4.3 ES512 (randomized) verify fresh signatures with the vector keys', () => {
    for (const [alg, name] of [
      ['PS384', RSA],
      ['ES512', EC],
    ] as const) {
      const privateKey = key7520(name, alg);
      const publicKey = key7520(name, alg, true);
      const ours = signJws(rfc7520.payload_text, privateKey);
      assert.deepEqual(Buffer.from(verifyJws(ours, publicKey, { algorithms: [alg] }).payload), payloadBytes);
    }
  });

  test('a vector key bound to another alg does not verify (alg binding)', () => {
    // Wycheproof labels the PS384 key PS256 and the ES512 key ES521: binding must follow the token.
    assertRejects(
      () =>
        verifyJws(vector7520('4.2').compact as string, key7520(RSA, 'PS256', true), {
          algorithms: ['PS384'],
        }),
      'ERR_KEY_ALG_MISMATCH',
    );
    assertRejects(
      () =>
        verifyJws(vector7520('4.1').compact as string, key7520(RSA, 'PS256', true), {
          algorithms: ['RS256'],
        }),
      'ERR_KEY_ALG_MISMATCH',
    );
  });

  test('4.5 detached content is rejected without the payload, and verifies once re-attached', () => {
    const v = vector7520('4.5');
    const detached = v.compact_detached as string;
    const key = key7520(MAC, 'HS256');
    assertRejects(() => verifyJws(detached, key, { algorithms: ['HS256'] }), 'ERR_JWS_INVALID_SIGNATURE');
    assertRejects(
      () => verifyJwt(detached, key, { algorithms: ['HS256'], now: FIXED_NOW }),
      'ERR_JWT_INVALID',
    );
    const [h, empty, s] = detached.split('.');
    assert.equal(empty, '');
    const attached = `${h}.${v.detached_payload_b64u}.${s}`;
    assert.equal(attached, vector7520('4.4').compact);
    assert.deepEqual(Buffer.from(verifyJws(attached, key, { algorithms: ['HS256'] }).payload), payloadBytes);
  });

  for (const id of ['4.6', '4.7', '4.8']) {
    test(`${id} JSON serialization is rejected by the compact path`, () => {
      const v = vector7520(id);
      const json = (v.flattened ?? v.general) as JwsJson;
      assert.ok(json);
      const mac = key7520(MAC, 'HS256');
      const rsa = key7520(RSA, 'RS256', true);
      const ec = key7520(EC, 'ES512', true);
      for (const token of [JSON.stringify(json), JSON.stringify(json, null, 2)]) {
        assertRejects(() => verifyJws(token, mac, { algorithms: ['HS256'] }), 'ERR_JWS_INVALID');
        assertRejects(() => verifyJws(token, rsa, { algorithms: ['RS256'] }), 'ERR_JWS_INVALID');
        assertRejects(() => verifyJws(token, ec, { algorithms: ['ES512'] }), 'ERR_JWS_INVALID');
        assertRejects(
          () => verifyJwt(token, mac, { algorithms: ['HS256'], now: FIXED_NOW }),
          'ERR_JWS_INVALID',
        );
      }
    });
  }

  test('4.7 content-only signature (no protected header) is rejected even in compact form', () => {
    // Its signing input is "." + payload: the compact form has an empty first segment and no alg.
    const flat = vector7520('4.7').flattened as JwsJson;
    const token = `.${flat.payload}.${flat.signature}`;
    assertRejects(
      () => verifyJws(token, key7520(MAC, 'HS256'), { algorithms: ['HS256'] }),
      'ERR_JWS_INVALID',
    );
  });
});

describe('RFC 7797 b64', () => {
  const key = importJwk(rfc7797.key);
  const v41 = rfc7797.vectors.find((v) => v.id === '4.1');
  const v42 = rfc7797.vectors.find((v) => v.id === '4.2');
  const panva = rfc7797.vectors.find((v) => v.id === 'panva-4_1-attached');

  test('4.1 control (b64 default) verifies via verifyJws and is re-signed byte for byte', () => {
    assert.ok(v41?.compact);
    const compact = v41.compact;
    assert.equal(key.alg, 'HS256');
    const { header, payload } = verifyJws(compact, key, { algorithms: ['HS256'] });
    assert.deepEqual({ ...header }, JSON.parse(v41.protected_header_json));
    assert.equal(text(payload), v41.payload_text);
    assert.equal(signJws(v41.payload_text as string, key), compact);
    // "$.02" is not a claims set.
    assertRejects(
      () => verifyJwt(compact, key, { algorithms: ['HS256'], now: FIXED_NOW }),
      'ERR_JWT_INVALID',
    );
  });

  test('4.2 b64=false is rejected on the JWS and JWT paths, in every form', () => {
    assert.ok(v42?.compact_detached && v42.compact_attached_nonstandard && v42.flattened && panva?.compact);
    const [h, , s] = v42.compact_detached.split('.') as [string, string, string];
    const forms: [string, JwtErrorCode][] = [
      // The header lists crit: ["b64"], an extension this library does not implement.
      [v42.compact_detached, 'ERR_JWS_UNSUPPORTED'],
      // Even with the detached payload supplied as a normal base64url segment.
      [`${h}.${b64u(v42.detached_payload as string)}.${s}`, 'ERR_JWS_UNSUPPORTED'],
      [panva.compact, 'ERR_JWS_UNSUPPORTED'],
      // "$.02" holds a dot: four segments.
      [v42.compact_attached_nonstandard, 'ERR_JWS_INVALID'],
      [JSON.stringify(v42.flattened), 'ERR_JWS_INVALID'],
    ];
    for (const [token, code] of forms) {
      assertRejects(() => verifyJws(token, key, { algorithms: ['HS256'] }), code, {
        message: `verifyJws ${token}`,
      });
      assertRejects(() => verifyJwt(token, key, { algorithms: ['HS256'], now: FIXED_NOW }), code, {
        message: `verifyJwt ${token}`,
      });
    }
  });

  test('4.2 MAC is genuine over the unencoded signing input (so the refusal is policy)', () => {
    assert.ok(v42);
    const [h, , s] = (v42.compact_detached as string).split('.') as [string, string, string];
    assert.equal(rawSignature(`${h}.${v42.detached_payload}`, key), s);
  });

  test('signJws refuses to write b64 or crit', () => {
    assertRejects(
      () => signJws('$.02', key, { header: { b64: false, crit: ['b64'] } }),
      'ERR_INVALID_OPTIONS',
    );
    assertRejects(() => signJws('$.02', key, { header: { b64: false } }), 'ERR_INVALID_OPTIONS');
  });
});

describe('RFC 8037 Ed25519', () => {
  const sig = rfc8037['A.4_A.5_signature'];

  test('A.4/A.5 signature verifies as a JWS (payload bytes equal) and is re-signed byte for byte', () => {
    const publicKey = importJwk(rfc8037['A.2_public_key']);
    const privateKey = importJwk(rfc8037['A.1_private_key']);
    assert.equal(publicKey.alg, 'EdDSA');
    assert.equal(privateKey.type, 'private');
    assert.equal(sig.compact.slice(0, sig.compact.lastIndexOf('.')), sig.signing_input);
    const { header, payload } = verifyJws(sig.compact, publicKey, { algorithms: ['EdDSA'] });
    assert.deepEqual({ ...header }, JSON.parse(sig.protected_header_json));
    assert.equal(text(payload), sig.payload_text);
    assert.equal(signJws(sig.payload_text, privateKey), sig.compact);
    assertRejects(
      () => verifyJwt(sig.compact, publicKey, { algorithms: ['EdDSA'], now: FIXED_NOW }),
      'ERR_JWT_INVALID',
    );
  });

  test('A.3 thumbprint of the public and the private key', () => {
    const tp = rfc8037['A.3_thumbprint'];
    assert.equal(createHash('sha256').update(tp.canonical_input).digest('hex'), tp.sha256_hex);
    assert.equal(jwkThumbprint(rfc8037['A.2_public_key']), tp.thumbprint_b64u);
    assert.equal(jwkThumbprint(rfc8037['A.1_private_key']), tp.thumbprint_b64u);
    assert.equal(jwkThumbprint(importJwk(rfc8037['A.2_public_key'])), tp.thumbprint_b64u);
    assert.equal(jwkThumbprint(importJwk(rfc8037['A.1_private_key'])), tp.thumbprint_b64u);
    assert.equal(rfc7638.other_known_answers['RFC 8037 A.3 Ed25519'], tp.thumbprint_b64u);
  });
});

describe('RFC 7638 thumbprint', () => {
  test('§3.1 RSA key thumbprint, its digest bytes, and independence from alg/kid/use', () => {
    const tp = jwkThumbprint(rfc7638.jwk);
    assert.equal(tp, rfc7638.thumbprint_b64u);
    assert.deepEqual([...Buffer.from(tp, 'base64url')], rfc7638.sha256_bytes);
    assert.equal(jwkThumbprint({ ...rfc7638.jwk, kid: 'other', alg: 'PS512', use: 'sig' }), tp);
    // Through a Key (importJwk → exportJwk) the thumbprint is the same.
    assert.equal(jwkThumbprint(importJwk(rfc7638.jwk)), tp);
    assert.equal(jwkThumbprint(importJwk(rfc7638.jwk, { alg: 'RS256' })), tp);
    const canonical = `{${rfc7638.required_members_in_lexicographic_order
      .map((m) => `${JSON.stringify(m)}:${JSON.stringify(rfc7638.jwk[m])}`)
      .join(',')}}`;
    assert.equal(createHash('sha256').update(canonical).digest('base64url'), tp);
  });
});
