// Interop: tokens signed by @tessera/jwt verify in jose and jsonwebtoken, and
// tokens signed by them verify in ours, for every algorithm each supports, with
// the registered claims (iss, aud, sub, iat, exp) and private claims round-tripped.
// Every side runs on the same frozen clock.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as jose from 'jose';
import jwt from 'jsonwebtoken';
import {
  type Alg,
  exportJwk,
  generateKeyPair,
  generateSecret,
  importJwk,
  type Key,
  signJws,
  signJwt,
  verifyJws,
  verifyJwt,
} from '../src/index.js';
import { assertRejects } from './support/assert.js';
import { ALL_ALGS as ALGS } from './support/keys.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const ISSUER = 'https://issuer.example.com';
const AUDIENCE = 'https://api.example.com';
const SUBJECT = 'user-42';
const PRIVATE_CLAIMS = {
  roles: ['admin', 'user'],
  profile: { name: 'Zoë ✓', age: 37, verified: true, tags: [] },
  nothing: null,
};

interface Pair {
  signer: Key;
  verifier: Key;
}

/** One key (pair) per algorithm, shared by every test. */
const keys = new Map<Alg, Pair>(
  ALGS.map((alg): [Alg, Pair] => {
    if (alg.startsWith('HS')) {
      const secret = generateSecret(alg as 'HS256', { kid: `k-${alg}` });
      return [alg, { signer: secret, verifier: secret }];
    }
    const { privateKey, publicKey } = generateKeyPair(alg, { kid: `k-${alg}` });
    return [alg, { signer: privateKey, verifier: publicKey }];
  }),
);

function pair(alg: Alg): Pair {
  const found = keys.get(alg);
  assert.ok(found);
  return found;
}

/** jsonwebtoken 9 algorithms, found by asking it to sign rather than assumed. */
function jsonwebtokenSupports(alg: Alg): boolean {
  try {
    jwt.sign({}, pair(alg).signer.keyObject, { algorithm: alg as jwt.Algorithm });
    return true;
  } catch {
    return false;
  }
}
const JSONWEBTOKEN_ALGS = ALGS.filter(jsonwebtokenSupports);

function ourToken(alg: Alg, audience: string | string[] = AUDIENCE): string {
  return signJwt(PRIVATE_CLAIMS, pair(alg).signer, {
    issuer: ISSUER,
    audience,
    subject: SUBJECT,
    expiresIn: '10m',
    jwtId: 'jti-1',
    now: NOW,
  });
}

const EXPECTED = {
  ...PRIVATE_CLAIMS,
  iat: NOW_S,
  exp: NOW_S + 600,
  iss: ISSUER,
  aud: AUDIENCE,
  sub: SUBJECT,
  jti: 'jti-1',
};

function verifyOurs(token: string, alg: Alg, audience: string | string[] = AUDIENCE) {
  return verifyJwt(token, pair(alg).verifier, {
    algorithms: [alg],
    issuer: ISSUER,
    audience,
    subject: SUBJECT,
    requiredClaims: ['iat', 'sub'],
    now: NOW,
  });
}

/** What jose wants as a key: a KeyObject, or a JWK imported through jose itself. */
async function joseKeyFromJwk(key: Key): Promise<jose.CryptoKey | Uint8Array> {
  return jose.importJWK(exportJwk(key, { private: key.type !== 'public' }) as jose.JWK, key.alg);
}

describe('@tessera/jwt ⇄ jose', () => {
  for (const alg of ALGS) {
    test(`${alg}: our JWT verifies in jose (KeyObject and JWK import)`, async () => {
      const token = ourToken(alg);
      const options = {
        algorithms: [alg],
        issuer: ISSUER,
        audience: AUDIENCE,
        subject: SUBJECT,
        currentDate: NOW,
        typ: 'JWT',
      };
      const viaKeyObject = await jose.jwtVerify(token, pair(alg).verifier.keyObject, options);
      assert.deepEqual(viaKeyObject.payload, EXPECTED);
      assert.deepEqual(viaKeyObject.protectedHeader, { alg, typ: 'JWT', kid: `k-${alg}` });
      const viaJwk = await jose.jwtVerify(token, await joseKeyFromJwk(pair(alg).verifier), options);
      assert.deepEqual(viaJwk.payload, EXPECTED);
      // jose agrees the token is expired at exp.
      await assert.rejects(
        jose.jwtVerify(token, pair(alg).verifier.keyObject, {
          ...options,
          currentDate: new Date((NOW_S + 600) * 1000),
        }),
        { code: 'ERR_JWT_EXPIRED' },
      );
    });

    test(`${alg}: jose's JWT verifies in ours`, async () => {
      const token = await new jose.SignJWT({ ...PRIVATE_CLAIMS })
        .setProtectedHeader({ alg, typ: 'JWT', kid: `k-${alg}` })
        .setIssuer(ISSUER)
        .setAudience([AUDIENCE, 'https://other.example.com'])
        .setSubject(SUBJECT)
        .setJti('jti-1')
        .setIssuedAt(NOW_S)
        .setExpirationTime(NOW_S + 600)
        .sign(pair(alg).signer.keyObject);
      const { header, payload } = verifyOurs(token, alg);
      assert.deepEqual({ ...header }, { alg, typ: 'JWT', kid: `k-${alg}` });
      assert.deepEqual({ ...payload }, { ...EXPECTED, aud: [AUDIENCE, 'https://other.example.com'] });
      // The claims are checked, not just carried: wrong audience, and the exp edge.
      assertRejects(() => verifyOurs(token, alg, 'https://nobody.example.com'), 'ERR_JWT_CLAIM_INVALID');
      assertRejects(
        () =>
          verifyJwt(token, pair(alg).verifier, { algorithms: [alg], now: new Date((NOW_S + 600) * 1000) }),
        'ERR_JWT_EXPIRED',
      );
    });

    test(`${alg}: JWS bytes round-trip both ways`, async () => {
      const bytes = new Uint8Array([0, 1, 2, 0xfe, 0xff, 0x2e, 0x7b]);
      const ours = signJws(bytes, pair(alg).signer);
      const checked = await jose.compactVerify(ours, pair(alg).verifier.keyObject, { algorithms: [alg] });
      assert.deepEqual(Buffer.from(checked.payload), Buffer.from(bytes));
      const theirs = await new jose.CompactSign(bytes)
        .setProtectedHeader({ alg })
        .sign(pair(alg).signer.keyObject);
      assert.deepEqual(
        Buffer.from(verifyJws(theirs, pair(alg).verifier, { algorithms: [alg] }).payload),
        Buffer.from(bytes),
      );
    });
  }

  for (const alg of ALGS.filter((a) => !a.startsWith('HS'))) {
    test(`${alg}: jose-generated JWKs import into ours, and ours into jose`, async () => {
      const generated = await jose.generateKeyPair(alg, { extractable: true });
      const privateJwk = await jose.exportJWK(generated.privateKey);
      const publicJwk = await jose.exportJWK(generated.publicKey);
      const signer = importJwk(privateJwk as never, { alg });
      const verifier = importJwk(publicJwk as never, { alg });
      const token = signJwt({ sub: SUBJECT }, signer, { expiresIn: 60, now: NOW });
      assert.equal(
        (await jose.jwtVerify(token, generated.publicKey, { currentDate: NOW })).payload.sub,
        SUBJECT,
      );
      const theirs = await new jose.SignJWT({ sub: SUBJECT })
        .setProtectedHeader({ alg })
        .setExpirationTime(NOW_S + 60)
        .sign(generated.privateKey);
      assert.equal(verifyJwt(theirs, verifier, { algorithms: [alg], now: NOW }).payload.sub, SUBJECT);
      // Our export of their key is the same public key (members jose wrote).
      const exported = exportJwk(verifier);
      for (const [name, value] of Object.entries(publicJwk)) assert.equal(exported[name], value, name);
    });
  }
});

describe('@tessera/jwt ⇄ jsonwebtoken', () => {
  test('jsonwebtoken 9 supports every algorithm but EdDSA and Ed25519', () => {
    // If this changes (a jsonwebtoken upgrade adds EdDSA), the skips below stop applying.
    assert.deepEqual(
      ALGS.filter((a) => !JSONWEBTOKEN_ALGS.includes(a)),
      ['EdDSA', 'Ed25519'],
    );
    assert.throws(() =>
      jwt.verify(ourToken('EdDSA'), pair('EdDSA').verifier.keyObject, {
        algorithms: ['EdDSA' as jwt.Algorithm],
        clockTimestamp: NOW_S,
      }),
    );
  });

  for (const alg of ALGS) {
    const skip = JSONWEBTOKEN_ALGS.includes(alg) ? false : `jsonwebtoken 9 does not implement ${alg}`;

    test(`${alg}: our JWT verifies in jsonwebtoken`, { skip }, () => {
      const token = ourToken(alg, [AUDIENCE, 'https://other.example.com']);
      const result = jwt.verify(token, pair(alg).verifier.keyObject, {
        algorithms: [alg as jwt.Algorithm],
        issuer: ISSUER,
        audience: AUDIENCE,
        subject: SUBJECT,
        clockTimestamp: NOW_S,
        complete: true,
      });
      assert.deepEqual(result.header, { alg, typ: 'JWT', kid: `k-${alg}` });
      assert.deepEqual(result.payload, { ...EXPECTED, aud: [AUDIENCE, 'https://other.example.com'] });
      assert.throws(
        () =>
          jwt.verify(token, pair(alg).verifier.keyObject, {
            algorithms: [alg as jwt.Algorithm],
            clockTimestamp: NOW_S + 600,
          }),
        { name: 'TokenExpiredError' },
      );
    });

    test(`${alg}: jsonwebtoken's JWT verifies in ours`, { skip }, () => {
      const token = jwt.sign({ ...PRIVATE_CLAIMS, iat: NOW_S }, pair(alg).signer.keyObject, {
        algorithm: alg as jwt.Algorithm,
        issuer: ISSUER,
        audience: AUDIENCE,
        subject: SUBJECT,
        jwtid: 'jti-1',
        keyid: `k-${alg}`,
        expiresIn: '10m',
      });
      const { header, payload } = verifyOurs(token, alg);
      assert.deepEqual({ ...header }, { alg, typ: 'JWT', kid: `k-${alg}` });
      assert.deepEqual({ ...payload }, EXPECTED);
      assertRejects(() => verifyOurs(token, alg, 'https://nobody.example.com'), 'ERR_JWT_CLAIM_INVALID');
      // A key of another algorithm never verifies it (alg binding), even with the same key material.
      const other = alg === 'HS256' ? 'HS384' : 'HS256';
      assertRejects(
        () => verifyJwt(token, pair(other).verifier, { algorithms: [alg, other], now: NOW }),
        'ERR_KEY_ALG_MISMATCH',
      );
    });
  }
});
