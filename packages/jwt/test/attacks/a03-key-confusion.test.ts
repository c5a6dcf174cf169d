// A3: HS/RS and HS/EC key confusion. The attacker sets alg to HS* and uses the
// verifier's public key, in every encoding a verifier might hold it in, as the
// HMAC secret (CVE-2015-9235, CVE-2016-10555, CVE-2017-11424, CVE-2022-29217,
// CVE-2024-33663, CVE-2024-37568, CVE-2022-23541, fast-jwt CVE-2023-48223 chain).
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  type Alg,
  createKeySet,
  exportJwk,
  type HmacAlg,
  importJwk,
  importKeyObject,
  importPem,
  importSecret,
  type Jwk,
  type Key,
  verifyJwt,
} from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import {
  opensshEcdsaP256,
  opensshEd25519,
  rawEcPoint,
  TEST_CERT_KEY_PEM,
  TEST_CERT_PEM,
} from '../support/fixtures.js';
import { claims, forge, NOW } from '../support/forge.js';
import { pair } from '../support/keys.js';

const HMAC_ALGS: HmacAlg[] = ['HS256', 'HS384', 'HS512'];

interface Victim {
  name: string;
  alg: Alg;
  publicKey: Key;
  /** Every encoding of the public key an attacker can obtain: label → secret. */
  encodings: [string, string | Buffer][];
}

function pemEncodings(publicKey: KeyObject): [string, string | Buffer][] {
  const spki = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const jwk = publicKey.export({ format: 'jwk' });
  return [
    ['SPKI PEM', spki],
    ['SPKI PEM without the final newline', spki.trimEnd()],
    ['SPKI PEM with a leading \\n', `\n${spki}`],
    ['SPKI PEM with leading spaces and tabs', ` \t${spki}`],
    ['SPKI PEM with a leading non-whitespace prefix', `x${spki}`],
    ['SPKI PEM with CRLF line ends', spki.replace(/\n/g, '\r\n')],
    ['SPKI DER', publicKey.export({ type: 'spki', format: 'der' })],
    ['JWK JSON text', JSON.stringify(jwk)],
    ['JWK JSON text, pretty-printed', JSON.stringify(jwk, null, 2)],
    ['JWKS JSON text', JSON.stringify({ keys: [jwk] })],
  ];
}

function victims(): Victim[] {
  const rsa = pair('RS256', 'main');
  const rsaObject = rsa.publicKey.keyObject;
  const ec = pair('ES256', 'main');
  const ed = pair('EdDSA', 'main');
  const cert = new X509Certificate(TEST_CERT_PEM);
  const certKey = importPem(TEST_CERT_PEM, { alg: 'ES256', kid: 'main' });
  // The certificate's key pair is real: the private half exists, so the fixture is coherent.
  assert.equal(cert.checkPrivateKey(createPrivateKey(TEST_CERT_KEY_PEM)), true);
  return [
    {
      name: 'RS256 key',
      alg: 'RS256',
      publicKey: rsa.publicKey,
      encodings: [
        ...pemEncodings(rsaObject),
        ['PKCS#1 PEM', rsaObject.export({ type: 'pkcs1', format: 'pem' }) as string],
        ['PKCS#1 DER', rsaObject.export({ type: 'pkcs1', format: 'der' })],
      ],
    },
    {
      name: 'ES256 key',
      alg: 'ES256',
      publicKey: ec.publicKey,
      encodings: [
        ...pemEncodings(ec.publicKey.keyObject),
        ['raw uncompressed EC point', rawEcPoint(ec.publicKey.keyObject)],
        ['OpenSSH ecdsa-sha2-nistp256 line', opensshEcdsaP256(ec.publicKey.keyObject)],
      ],
    },
    {
      name: 'EdDSA key',
      alg: 'EdDSA',
      publicKey: ed.publicKey,
      encodings: [
        ...pemEncodings(ed.publicKey.keyObject),
        [
          'raw 32-byte Ed25519 key',
          Buffer.from((ed.publicKey.keyObject.export({ format: 'jwk' }) as { x: string }).x, 'base64url'),
        ],
        ['OpenSSH ssh-ed25519 line', opensshEd25519(ed.publicKey.keyObject)],
      ],
    },
    {
      name: 'ES256 key from an X.509 certificate',
      alg: 'ES256',
      publicKey: certKey,
      encodings: [
        ...pemEncodings(cert.publicKey),
        ['certificate PEM', TEST_CERT_PEM],
        ['certificate PEM with a leading \\n', `\n${TEST_CERT_PEM}`],
        ['certificate DER', cert.raw],
      ],
    },
  ];
}

describe('A3: HS/RS and HS/EC key confusion', () => {
  for (const victim of victims()) {
    describe(victim.name, () => {
      const kid = victim.publicKey.kid as string;
      const broad: Alg[] = [victim.alg, ...HMAC_ALGS];
      const set = createKeySet([victim.publicKey]);

      for (const [label, material] of victim.encodings) {
        for (const hmac of HMAC_ALGS) {
          it(`${hmac} MAC keyed with the ${label} never verifies`, () => {
            const token = forge({ header: { alg: hmac, typ: 'JWT', kid }, payload: claims(), key: material });
            const leak = { token, secrets: [material] };

            // Control: the forgery is sound. A verifier that took these bytes as an HMAC secret
            // (what string-sniffing libraries ended up doing) would accept it.
            if (Buffer.byteLength(material) >= Number(hmac.slice(2)) / 8) {
              const naive = importSecret(material, { alg: hmac });
              assert.equal(verifyJwt(token, naive, { algorithms: [hmac], now: NOW }).payload.sub, 'user-1');
            }

            // Correct allow-list: HS* is not even considered.
            assertRejects(
              () => verifyJwt(token, victim.publicKey, { algorithms: [victim.alg], now: NOW }),
              'ERR_JWS_ALG_NOT_ALLOWED',
              leak,
            );
            // Misconfigured allow-list: the key's own alg still decides.
            assertRejects(
              () => verifyJwt(token, victim.publicKey, { algorithms: broad, now: NOW }),
              'ERR_KEY_ALG_MISMATCH',
              leak,
            );
            // Key set (the jsonwebtoken CVE-2022-23541 key-callback shape): kid matches, alg does not.
            assertRejects(
              () => verifyJwt(token, set, { algorithms: broad, now: NOW }),
              'ERR_JWKS_NO_MATCHING_KEY',
              leak,
            );
          });
        }
      }

      it('the public key cannot be turned into an HMAC key by any import path', () => {
        const keyObject = victim.publicKey.keyObject;
        const jwk = exportJwk(victim.publicKey);
        const { alg: _bound, ...unbound } = jwk;
        for (const hmac of HMAC_ALGS) {
          assertRejects(() => importKeyObject(keyObject, { alg: hmac }), 'ERR_KEY_INVALID');
          assertRejects(() => importJwk(unbound as Jwk, { alg: hmac }), 'ERR_KEY_INVALID');
          assertRejects(() => importJwk({ ...jwk, alg: hmac }), 'ERR_KEY_INVALID');
          assertRejects(() => importJwk(jwk, { alg: hmac }), 'ERR_KEY_ALG_MISMATCH');
          assertRejects(
            () =>
              importPem(keyObject.export({ type: 'spki', format: 'pem' }) as string, { alg: hmac as never }),
            'ERR_INVALID_OPTIONS',
          );
          assertRejects(() => createKeySet({ keys: [{ ...jwk, alg: hmac }] }), 'ERR_JWKS_INVALID');
        }
      });
    });
  }

  it('PEM text with leading whitespace or a prefix imports as a typed public key or not at all', () => {
    const spki = pair('RS256').publicKey.keyObject.export({ type: 'spki', format: 'pem' }) as string;
    for (const pem of [`\n${spki}`, `  ${spki}`, `x${spki}`, `garbage\n${spki}`, `${spki}trailing`]) {
      let key: Key | undefined;
      try {
        key = importPem(pem, { alg: 'RS256' });
      } catch (err) {
        assertRejects(() => {
          throw err;
        }, 'ERR_KEY_INVALID');
      }
      if (key !== undefined) {
        assert.equal(key.type, 'public');
        assert.equal(key.alg, 'RS256');
        assert.equal(
          createPublicKey(pem.slice(pem.indexOf('-----BEGIN'))).equals(key.keyObject),
          true,
          'the prefix changed which key was imported',
        );
      }
    }
  });
});
