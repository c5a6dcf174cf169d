import { createPrivateKey, X509Certificate } from 'node:crypto';
import { exportJwk } from '@tessera/jwt';
import { TEST_CERT_KEY_PEM, TEST_CERT_PEM } from '../../../jwt/test/support/fixtures.js';
import { type Attack, attackKit, ED_HEADER, edRaw, edSigned, hex32, P256_N } from './forge.js';
import { accessClaims, attacker, ec, ed, rsa } from './keys.js';
import { b64, rawSignature, rawToken, seg } from './raw-sign.js';

/** Attacks on the signature, the algorithm and the key (docs/security.md A1–A8). */
export function signatureAttacks(): Attack[] {
  const { h, p, s, claimsText, attacks, reject } = attackKit();
  // A1: alg none and friends.
  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    reject(`A1 alg ${alg}, empty signature`, `${seg({ alg, typ: 'at+jwt' })}.${p}.`);
    reject(`A1 alg ${alg}, original signature kept`, `${seg({ alg, typ: 'at+jwt' })}.${p}.${s}`);
  }
  reject('A1 alg missing', edRaw(JSON.stringify({ typ: 'at+jwt', kid: 'ed-1' }), claimsText));
  reject(
    'A1 alg "hs256"',
    rawToken(JSON.stringify({ alg: 'hs256', typ: 'at+jwt' }), claimsText, 'HS256', 'x'.repeat(32)),
  );
  reject(
    'A1 alg ["HS256"]',
    rawToken(JSON.stringify({ alg: ['HS256'], typ: 'at+jwt' }), claimsText, 'HS256', 'x'.repeat(32)),
  );

  // A2: signature stripping.
  reject('A2 empty signature', `${h}.${p}.`);
  reject('A2 truncated signature', `${h}.${p}.${s.slice(0, 40)}`);
  reject('A2 one-byte signature', `${h}.${p}.AA`);
  reject('A2 third segment dropped', `${h}.${p}`);
  reject('A2 altered signature', `${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`);
  reject(
    'A2 altered payload, signature kept',
    `${h}.${seg(accessClaims({ sub: 'admin', roles: ['admin'] }))}.${s}`,
  );

  // A3: HS256 signed with the verifier's public key bytes as the HMAC secret.
  const ecPoint = ec.publicKey.keyObject.export({ type: 'spki', format: 'der' }).subarray(-65);
  const edX = Buffer.from(exportJwk(ed.publicKey).x as string, 'base64url');
  const rsaObject = rsa.publicKey.keyObject;
  const spkiPem = rsaObject.export({ type: 'spki', format: 'pem' }) as string;
  const secrets: [string, string | Buffer][] = [
    ['SPKI PEM', spkiPem],
    ['PKCS#1 PEM', rsaObject.export({ type: 'pkcs1', format: 'pem' }) as string],
    ['PEM with a leading newline', `\n${spkiPem}`],
    ['PEM with a non-whitespace prefix', `x${spkiPem}`],
    ['DER', rsaObject.export({ type: 'spki', format: 'der' })],
    ['JWK JSON text', JSON.stringify(exportJwk(rsa.publicKey))],
    ['JWKS JSON text', JSON.stringify({ keys: [exportJwk(rsa.publicKey)] })],
    ['Ed25519 PEM', ed.publicKey.keyObject.export({ type: 'spki', format: 'pem' }) as string],
    ['Ed25519 raw x', Buffer.from(exportJwk(ed.publicKey).x as string, 'base64url')],
    ['EC raw point', ecPoint],
    ['OpenSSH ssh-ed25519 line', sshLine('ssh-ed25519', edX)],
    ['OpenSSH ecdsa-sha2-nistp256 line', sshLine('ecdsa-sha2-nistp256', Buffer.from('nistp256'), ecPoint)],
    // Not of a key the guard trusts (no certificate of its keys exists): no sniffing of PEM types.
    ['certificate PEM', TEST_CERT_PEM],
  ];
  for (const [name, secret] of secrets) {
    for (const kid of ['rsa-1', 'ed-1', 'ec-1', undefined]) {
      const header = JSON.stringify({ alg: 'HS256', typ: 'at+jwt', ...(kid ? { kid } : {}) });
      reject(
        `A3 HS256 with ${name} as secret, kid ${kid ?? 'none'}`,
        rawToken(header, claimsText, 'HS256', secret),
      );
    }
  }

  // A4: a key embedded in the header.
  const attackerJwk = exportJwk(attacker.publicKey);
  reject(
    'A4 embedded jwk, no kid',
    rawToken(
      JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', jwk: attackerJwk }),
      claimsText,
      'EdDSA',
      attacker.privateKey.keyObject,
    ),
  );
  reject(
    'A4 embedded jwk with our kid',
    rawToken(
      JSON.stringify({ ...ED_HEADER, jwk: attackerJwk }),
      claimsText,
      'EdDSA',
      attacker.privateKey.keyObject,
    ),
  );
  const octSecret = Buffer.alloc(32, 7);
  reject(
    'A4 embedded oct jwk',
    rawToken(
      JSON.stringify({ alg: 'HS256', typ: 'at+jwt', jwk: { kty: 'oct', k: b64(octSecret) } }),
      claimsText,
      'HS256',
      octSecret,
    ),
  );
  const cert = new X509Certificate(TEST_CERT_PEM);
  reject(
    'A4 embedded x5c, signed with its key',
    rawToken(
      JSON.stringify({ alg: 'ES256', typ: 'at+jwt', x5c: [cert.raw.toString('base64')] }),
      claimsText,
      'ES256',
      createPrivateKey(TEST_CERT_KEY_PEM),
    ),
  );
  reject(
    'A4 embedded x5c with our kid',
    rawToken(
      JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: 'ec-1', x5c: [cert.raw.toString('base64')] }),
      claimsText,
      'ES256',
      createPrivateKey(TEST_CERT_KEY_PEM),
    ),
  );
  reject(
    'A5 jku to loopback',
    rawToken(
      JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', kid: 'x', jku: 'http://127.0.0.1:1/jwks' }),
      claimsText,
      'EdDSA',
      attacker.privateKey.keyObject,
    ),
  );

  // A6: kid injection.
  reject(
    'A6 kid path traversal, empty HMAC key',
    rawToken(
      JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: '../../../../dev/null' }),
      claimsText,
      'HS256',
      '',
    ),
  );
  reject(
    'A6 kid SQL injection',
    rawToken(
      JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: "x' UNION SELECT 'k'--" }),
      claimsText,
      'HS256',
      'k',
    ),
  );
  reject(
    'A6 kid shell $(id)',
    rawToken(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: '$(id)' }), claimsText, 'HS256', 'k'),
  );
  reject(
    'A6 kid shell |id',
    rawToken(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: '|id' }), claimsText, 'HS256', 'k'),
  );
  reject('A6 kid of 4 KB', edSigned({ ...ED_HEADER, kid: 'k'.repeat(4096) }));
  reject('A6 kid not a string', edSigned({ ...ED_HEADER, kid: 123 }));
  reject('A6 unknown kid', edSigned({ ...ED_HEADER, kid: 'ed-2' }));

  // A7 / A8: ECDSA special values and encodings, against the P-256 key.
  const ecInput = `${seg({ alg: 'ES256', typ: 'at+jwt', kid: 'ec-1' })}.${p}`;
  const ecSig = rawSignature('ES256', ec.privateKey.keyObject, ecInput);
  const r = ecSig.subarray(0, 32);
  const sValue = ecSig.subarray(32);
  const psychic: [string, Buffer][] = [
    ['r=s=0', Buffer.alloc(64)],
    ['r=s=n', Buffer.concat([hex32(P256_N), hex32(P256_N)])],
    ['r=1, s=n-1', Buffer.concat([hex32(1n), hex32(P256_N - 1n)])],
    ['r=0, s valid', Buffer.concat([hex32(0n), sValue])],
    ['r valid, s=0', Buffer.concat([r, hex32(0n)])],
    ['r=n-1, s valid', Buffer.concat([hex32(P256_N - 1n), sValue])],
    ['r=1, s=1', Buffer.concat([hex32(1n), hex32(1n)])],
  ];
  for (const [name, sig] of psychic) reject(`A7 psychic signature ${name}`, `${ecInput}.${b64(sig)}`);
  reject(
    'A8 DER-encoded ECDSA signature',
    `${ecInput}.${b64(rawSignature('ES256', ec.privateKey.keyObject, ecInput, { der: true }))}`,
  );
  reject(
    'A8 raw signature plus a trailing zero',
    `${ecInput}.${b64(Buffer.concat([ecSig, Buffer.alloc(1)]))}`,
  );
  reject('A8 truncated ECDSA signature', `${ecInput}.${b64(ecSig.subarray(0, 63))}`);
  // r >= n: a lax verifier would reduce it modulo n (n + 1 is r = 1 again).
  reject('A8 r = n + 1, s valid', `${ecInput}.${b64(Buffer.concat([hex32(P256_N + 1n), sValue]))}`);
  reject('A8 r = 2^256 - 1, s valid', `${ecInput}.${b64(Buffer.concat([hex32(2n ** 256n - 1n), sValue]))}`);
  reject('A8 r = n, s valid', `${ecInput}.${b64(Buffer.concat([hex32(P256_N), sValue]))}`);
  return attacks;
}

/** An OpenSSH public key line: the type, then base64 of length-prefixed strings. */
function sshLine(type: string, ...parts: Buffer[]): string {
  const blob = [Buffer.from(type), ...parts].map((part) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(part.length);
    return Buffer.concat([length, part]);
  });
  return `${type} ${Buffer.concat(blob).toString('base64')} attacker@example`;
}
