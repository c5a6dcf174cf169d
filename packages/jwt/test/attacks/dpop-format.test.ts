// DPoP proof format (docs/security.md P9–P11): the proof's own key comes only
// from its `jwk` header, so that header must be a public asymmetric key of the
// proof's allowed alg; `alg: none`, HS256, a private key and oversized proofs
// are refused, the oversized ones before any parsing.
import assert from 'node:assert/strict';
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { exportJwk, verifyDpopProof } from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import { client, clientJwk, forgedProof, honestProof, proofClaims, VERIFY } from '../support/dpop.js';
import { b64u } from '../support/forge.js';
import { pair } from '../support/keys.js';

const header = (extra: Record<string, unknown>) => ({
  typ: 'dpop+jwt',
  alg: 'ES256',
  jwk: clientJwk(),
  ...extra,
});
const { expectedJkt: _bound, ...unbound } = VERIFY;
// For proofs by keys other than the client's: without a bound key, only the format is at stake.
const unexpected = unbound;

describe('P9: alg none and symmetric proofs', () => {
  for (const alg of ['none', 'None', 'NONE', '', undefined]) {
    it(`alg ${JSON.stringify(alg)} with an empty signature is refused`, () => {
      const [h, p] = forgedProof({
        header: header({ alg }),
        key: client.privateKey.keyObject,
        alg: 'ES256',
      }).split('.');
      assertRejects(() => verifyDpopProof(`${h}.${p}.`, VERIFY), 'ERR_DPOP_INVALID');
    });
  }

  it('an HS256 proof with an oct jwk, MACed with that k, is refused', () => {
    const k = Buffer.alloc(32, 7);
    const proof = forgedProof({
      header: { typ: 'dpop+jwt', alg: 'HS256', jwk: { kty: 'oct', k: k.toString('base64url') } },
      key: createSecretKey(k),
    });
    assertRejects(() => verifyDpopProof(proof, unexpected), 'ERR_DPOP_INVALID');
  });

  it("an HS256 proof MACed with the client's public key bytes is refused", () => {
    const secret = Buffer.from(JSON.stringify(clientJwk()));
    const proof = forgedProof({ header: header({ alg: 'HS256' }), key: secret });
    assertRejects(() => verifyDpopProof(proof, VERIFY), 'ERR_DPOP_INVALID');
  });

  it('a verifier cannot even be asked to accept none or HS*', () => {
    for (const algorithms of [['none'], ['HS256'], ['ES256', 'HS512']]) {
      assertRejects(
        () => verifyDpopProof(honestProof(), { ...VERIFY, algorithms } as never),
        'ERR_INVALID_OPTIONS',
      );
    }
  });

  it('an allowed alg that is not the one of the embedded key is refused', () => {
    const proof = forgedProof({ header: header({ alg: 'EdDSA' }), key: pair('EdDSA').privateKey.keyObject });
    assertRejects(() => verifyDpopProof(proof, VERIFY), 'ERR_DPOP_INVALID');
  });
});

describe('P10: the embedded jwk must be a public key', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateJwk = privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const rsa = exportJwk(pair('RS256').privateKey, { private: true }) as Record<string, unknown>;

  it('a private EC key (d) in the header, signing its own proof, is refused', () => {
    const proof = forgedProof({ header: header({ jwk: privateJwk }), key: privateKey });
    assertRejects(() => verifyDpopProof(proof, unexpected), 'ERR_DPOP_INVALID', {
      secrets: [String(privateJwk.d)],
    });
  });

  for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) {
    it(`a jwk with the private member ${member} is refused`, () => {
      const jwk = { ...clientJwk(), [member]: rsa[member] ?? 'AQAB' };
      assertRejects(
        () => verifyDpopProof(forgedProof({ header: header({ jwk }) }), VERIFY),
        'ERR_DPOP_INVALID',
      );
    });
  }

  for (const [label, jwk] of [
    ['missing', undefined],
    ['a string', JSON.stringify(clientJwk())],
    ['an array', [clientJwk()]],
    ['empty', {}],
    ['of another curve', { ...clientJwk(), crv: 'P-384' }],
    ['off the curve', { ...clientJwk(), y: b64u(Buffer.alloc(32, 1)) }],
    ['marked for encryption', { ...clientJwk(), use: 'enc' }],
    ['naming another alg', { ...clientJwk(), alg: 'ES384' }],
  ] as const) {
    it(`a jwk ${label} is refused`, () => {
      const proof = forgedProof({
        header: { typ: 'dpop+jwt', alg: 'ES256', ...(jwk === undefined ? {} : { jwk }) },
      });
      assertRejects(() => verifyDpopProof(proof, unexpected), 'ERR_DPOP_INVALID');
    });
  }

  it('a 1024-bit RSA key is refused even when RS256 is allowed', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const { kty, n, e } = weak.publicKey.export({ format: 'jwk' });
    const proof = forgedProof({
      header: { typ: 'dpop+jwt', alg: 'RS256', jwk: { kty, n, e } },
      key: weak.privateKey,
    });
    assertRejects(() => verifyDpopProof(proof, { ...unexpected, algorithms: ['RS256'] }), 'ERR_DPOP_INVALID');
  });
});

describe('P11: size, shape and header', () => {
  it('a 10 KB proof is refused before any parsing', () => {
    const padded = forgedProof({ payload: proofClaims({ pad: 'x'.repeat(10 * 1024) }) });
    assert.ok(padded.length > 10 * 1024);
    const err = assertRejects(() => verifyDpopProof(padded, VERIFY), 'ERR_DPOP_INVALID');
    assert.match(err.message, /too long/);
    // Garbage of that size gives the same answer: nothing was decoded.
    const garbage = assertRejects(() => verifyDpopProof('!'.repeat(10 * 1024), VERIFY), 'ERR_DPOP_INVALID');
    assert.equal(garbage.message, err.message);
  });

  for (const typ of [undefined, 'JWT', 'at+jwt', 'application/dpop+jwt', 'DPOP+JWT', ['dpop+jwt']]) {
    it(`typ ${JSON.stringify(typ)} is refused`, () => {
      const proof = forgedProof({ header: header({ typ }) });
      assertRejects(() => verifyDpopProof(proof, VERIFY), 'ERR_DPOP_INVALID');
    });
  }

  it('crit, JWE parameters and duplicate header members are refused', () => {
    for (const extra of [{ crit: ['exp'] }, { enc: 'A256GCM' }, { zip: 'DEF' }]) {
      assertRejects(
        () => verifyDpopProof(forgedProof({ header: header(extra) }), VERIFY),
        'ERR_DPOP_INVALID',
      );
    }
    const dup = JSON.stringify(header({})).replace('"typ":"dpop+jwt"', '"typ":"dpop+jwt","typ":"dpop+jwt"');
    const [, p, s] = forgedProof({}).split('.');
    assertRejects(() => verifyDpopProof(`${b64u(dup)}.${p}.${s}`, VERIFY), 'ERR_DPOP_INVALID');
  });

  for (const [label, extra] of [
    ['no jti', { jti: undefined }],
    ['an empty jti', { jti: '' }],
    ['a 300-character jti', { jti: 'j'.repeat(300) }],
    ['a numeric jti', { jti: 7 }],
    ['no htm', { htm: undefined }],
    ['no htu', { htu: undefined }],
    ['a __proto__ member', { ['__proto__']: { admin: true } }],
  ] as const) {
    it(`claims with ${label} are refused`, () => {
      const text = label.includes('__proto__')
        ? JSON.stringify(proofClaims()).replace('{', '{"__proto__":{"admin":true},')
        : JSON.stringify(proofClaims(extra as Record<string, unknown>));
      assertRejects(() => verifyDpopProof(forgedProof({ payload: text }), VERIFY), 'ERR_DPOP_INVALID');
    });
  }

  it('a tampered payload or a truncated signature is refused', () => {
    const [h, , s] = honestProof().split('.');
    const other = forgedProof({ payload: proofClaims({ htm: 'GET', jti: 'other' }) }).split('.')[1];
    assertRejects(() => verifyDpopProof(`${h}.${other}.${s}`, VERIFY), 'ERR_DPOP_INVALID');
    assertRejects(() => verifyDpopProof(`${h}.${other}.${s?.slice(0, -2)}`, VERIFY), 'ERR_DPOP_INVALID');
  });
});
