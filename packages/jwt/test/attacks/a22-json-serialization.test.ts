// A22: JWS JSON serialization and polyglots where a compact JWT is expected
// (python-jwt CVE-2022-39227; web-token/jwt-library unprotected alg override;
// Wycheproof tcId 17). A JWT is compact only, and what is verified is what is
// returned.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Alg,
  createKeySet,
  createVerifier,
  importJwk,
  signJwt,
  verifyJws,
  verifyJwt,
} from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import { RFC7515_A3, RFC7515_JSON_SERIALIZATIONS } from '../support/fixtures.js';
import { b64u, claims, NOW, parts } from '../support/forge.js';
import { pair } from '../support/keys.js';

describe('A22: JSON serialization and polyglot tokens', () => {
  const a3 = importJwk({ ...RFC7515_A3.jwk, kid: 'e9bc097a-ce51-4036-9562-d2ade882db0d' });
  const a3opts = { algorithms: ['ES256'] as Alg[], now: RFC7515_A3.now };

  it('control: the A.3 compact form of the same signature verifies', () => {
    assert.equal(verifyJwt(RFC7515_A3.token, a3, a3opts).payload.iss, 'joe');
  });

  for (const [name, json] of Object.entries(RFC7515_JSON_SERIALIZATIONS)) {
    it(`the RFC 7515 ${name} JSON serialization ⇒ ERR_JWS_INVALID`, () => {
      for (const text of [json, JSON.stringify(JSON.parse(json), null, 2)]) {
        assertRejects(() => verifyJwt(text, a3, a3opts), 'ERR_JWS_INVALID', { token: text });
        assertRejects(() => verifyJws(text, a3, a3opts), 'ERR_JWS_INVALID', { token: text });
        assertRejects(() => verifyJwt(text, createKeySet([a3]), a3opts), 'ERR_JWS_INVALID', { token: text });
      }
      // The parsed object is not a token either.
      assertRejects(() => verifyJwt(JSON.parse(json) as never, a3, a3opts), 'ERR_JWS_INVALID');
    });
  }

  describe('python-jwt CVE-2022-39227 polyglot', () => {
    const { privateKey, publicKey } = pair('ES256');
    const opts = { algorithms: ['ES256'] as Alg[], now: NOW };
    const genuine = signJwt(claims({ sub: 'user-1', role: 'user' }), privateKey, { now: NOW });
    const [h, p, s] = parts(genuine);
    const forgedClaims = b64u(JSON.stringify(claims({ sub: 'admin', role: 'admin' })));

    const polyglots: [string, string][] = [
      [
        'the published shape',
        `{"  ${h}.${forgedClaims}.":"","protected":"${h}","payload":"${p}","signature":"${s}"}`,
      ],
      [
        'no leading spaces',
        `{"${h}.${forgedClaims}.":"","protected":"${h}","payload":"${p}","signature":"${s}"}`,
      ],
      [
        'the forged claims last',
        `{"protected":"${h}","payload":"${p}","signature":"${s}","${h}.${forgedClaims}.${s}":1}`,
      ],
      ['compact text inside a JSON string', JSON.stringify({ token: genuine })],
      ['a JSON array of the token', JSON.stringify([genuine])],
    ];
    for (const [label, polyglot] of polyglots) {
      it(`${label} ⇒ ERR_JWS_INVALID`, () => {
        assertRejects(() => verifyJwt(polyglot, publicKey, opts), 'ERR_JWS_INVALID', { token: polyglot });
        const cached = createVerifier({ keys: publicKey, ...opts, cache: true });
        cached.verify(genuine);
        assertRejects(() => cached.verify(polyglot), 'ERR_JWS_INVALID', { token: polyglot });
      });
    }

    it('the claims returned are exactly the signed claims', () => {
      const { payload } = verifyJwt(genuine, publicKey, opts);
      assert.deepEqual(payload, JSON.parse(Buffer.from(p, 'base64url').toString('utf8')));
      assert.equal(payload.sub, 'user-1');
    });

    it('the genuine signature over other claims (compact) fails', () => {
      const swapped = `${h}.${forgedClaims}.${s}`;
      assertRejects(() => verifyJwt(swapped, publicKey, opts), 'ERR_JWS_INVALID_SIGNATURE', {
        token: swapped,
      });
    });
  });

  it('an unprotected alg (or crit, or kid) cannot override the protected header', () => {
    const flattened = JSON.parse(RFC7515_JSON_SERIALIZATIONS.flattened) as Record<string, unknown>;
    for (const header of [
      { alg: 'none' },
      { alg: 'HS256' },
      { crit: ['exp'] },
      { kid: 'other', jku: 'http://127.0.0.1/' },
    ]) {
      const text = JSON.stringify({ ...flattened, header });
      assertRejects(() => verifyJwt(text, a3, a3opts), 'ERR_JWS_INVALID', { token: text });
      assertRejects(() => verifyJws(text, a3, a3opts), 'ERR_JWS_INVALID', { token: text });
    }
  });
});
