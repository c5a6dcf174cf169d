import { type Attack, attackKit, ED_HEADER, edRaw, edSigned, nonZeroBits } from './forge.js';
import { accessClaims, accessToken, ec, ed, rsa } from './keys.js';
import { b64, rawSignature, rawToken, seg } from './raw-sign.js';

/** Attacks through the claims, the header parameters, the format and the size (docs/security.md A11–A26). */
export function contentAttacks(): Attack[] {
  const { good, h, p, s, claimsText, attacks, reject } = attackKit();
  // A11: time claims.
  const now = Math.floor(Date.now() / 1000);
  reject('A11 exp = now - 1', accessToken({ exp: now - 1, iat: now - 601 }));
  reject('A11 exp = now', accessToken({ exp: now }));
  reject('A11 nbf = now + 60', accessToken({ nbf: now + 60 }));
  reject('A11 iat far in the future', accessToken({ iat: now + 3600, exp: now + 4200 }));
  reject('A11 exp missing', edSigned(ED_HEADER, { ...accessClaims(), exp: undefined }));
  reject(
    'A11 exp as a string',
    edSigned(ED_HEADER, accessClaims({ exp: String(now + 600) as unknown as number })),
  );
  reject(
    'A11 exp 1e400 (Infinity)',
    edRaw(JSON.stringify(ED_HEADER), claimsText.replace(/"exp":\d+/, '"exp":1e400')),
  );
  reject('A11 exp negative', accessToken({ exp: -1 }));
  reject('A11 exp true', edSigned(ED_HEADER, accessClaims({ exp: true as unknown as number })));

  // A12: iss and aud.
  reject('A12 wrong iss', accessToken({ iss: 'https://evil.example' }));
  reject('A12 iss prefix', accessToken({ iss: 'https://auth.example' }));
  reject('A12 iss with a suffix', accessToken({ iss: 'https://auth.example.test.evil' }));
  reject('A12 iss case variant', accessToken({ iss: 'https://AUTH.example.test' }));
  reject(
    'A12 iss as an array',
    edSigned(ED_HEADER, accessClaims({ iss: ['https://auth.example.test'] as unknown as string })),
  );
  reject('A12 aud missing', edSigned(ED_HEADER, { ...accessClaims(), aud: undefined }));
  reject('A12 aud empty string', accessToken({ aud: '' }));
  reject('A12 aud empty array', accessToken({ aud: [] }));
  reject('A12 aud array without ours', accessToken({ aud: ['other', 'api2'] }));
  reject('A12 aud case variant', accessToken({ aud: 'API' }));

  // A13: typ.
  reject(
    'A13 typ JWT',
    rawToken(JSON.stringify({ ...ED_HEADER, typ: 'JWT' }), claimsText, 'EdDSA', ed.privateKey.keyObject),
  );
  reject('A13 typ missing', edSigned({ alg: 'EdDSA', kid: 'ed-1' }));
  reject('A13 typ refresh+jwt', edSigned({ ...ED_HEADER, typ: 'refresh+jwt' }));

  // A14 / A15: crit and b64.
  reject('A14 crit with an unknown extension', edSigned({ ...ED_HEADER, crit: ['exp'], exp: 1 }));
  reject('A14 crit empty', edSigned({ ...ED_HEADER, crit: [] }));
  reject('A14 crit naming alg', edSigned({ ...ED_HEADER, crit: ['alg'] }));
  reject('A14 crit naming an absent parameter', edSigned({ ...ED_HEADER, crit: ['x-absent'] }));
  const b64Header = seg({ ...ED_HEADER, b64: false, crit: ['b64'] });
  const b64Sig = b64(rawSignature('EdDSA', ed.privateKey.keyObject, `${b64Header}.${claimsText}`));
  reject('A15 b64:false with crit, raw JSON payload', `${b64Header}.${claimsText}.${b64Sig}`, 400);
  reject('A15 b64:false with crit, encoded payload', edSigned({ ...ED_HEADER, b64: false, crit: ['b64'] }));

  // A16: duplicate members.
  reject('A16 duplicate alg', edRaw('{"alg":"EdDSA","alg":"none","typ":"at+jwt","kid":"ed-1"}', claimsText));
  reject(
    'A16 escaped duplicate alg',
    edRaw('{"alg":"EdDSA","\\u0061lg":"none","typ":"at+jwt","kid":"ed-1"}', claimsText),
  );
  reject(
    'A16 duplicate sub',
    edRaw(JSON.stringify(ED_HEADER), claimsText.replace('"sub":"user-1"', '"sub":"user-1","sub":"admin"')),
  );
  reject(
    'A16 duplicate exp',
    edRaw(JSON.stringify(ED_HEADER), claimsText.replace(/"exp":(\d+)/, '"exp":$1,"exp":9999999999')),
  );

  reject(
    'A16 duplicate aud',
    edRaw(JSON.stringify(ED_HEADER), claimsText.replace('"aud":"api"', '"aud":"other","aud":"api"')),
  );

  // A17: prototype pollution.
  reject(
    'A17 __proto__ in claims',
    edRaw(JSON.stringify(ED_HEADER), claimsText.replace('{', '{"__proto__":{"admin":true,"aud":"api"},')),
  );
  reject(
    'A17 __proto__ in header',
    edRaw('{"__proto__":{"alg":"none"},"alg":"EdDSA","typ":"at+jwt","kid":"ed-1"}', claimsText),
  );

  // A18: non-canonical base64url and format.
  reject('A18 padded header segment', `${h}=.${p}.${s}`, 400);
  reject('A18 + and / instead of - and _', `${h}.${p}.${s.slice(0, -2)}+/`);
  reject('A18 space inside', `${h}.${p.slice(0, 10)} ${p.slice(10)}.${s}`, 400);
  reject('A18 question mark inside', `${h}.${p}?.${s}`, 400);
  reject(
    'A18 signature with non-zero unused bits',
    `${h}.${p}.${s.slice(0, -1)}${nonZeroBits(s.at(-1) as string)}`,
  );
  reject(
    'A18 payload segment of length 1 mod 4',
    `${h}.${p}${'A'.repeat((((1 - p.length) % 4) + 4) % 4)}.${s}`,
  );
  reject('A18 non-ASCII character', `${h}.${p}\u00e9.${s}`, 400);
  reject('A18 JSON braces', '{"alg":"none"}.{}.', 400);
  reject('A18 header not an object', edRaw('"EdDSA"', claimsText));
  reject('A18 claims not an object', edRaw(JSON.stringify(ED_HEADER), '[1,2]'));
  reject('A18 header with a BOM', edRaw(`\ufeff${JSON.stringify(ED_HEADER)}`, claimsText));
  const badUtf8 = Buffer.concat([
    Buffer.from(claimsText.slice(0, -1)),
    Buffer.from(',"x":"'),
    Buffer.from([0xff, 0xfe]),
    Buffer.from('"}'),
  ]);
  const badInput = `${seg(ED_HEADER)}.${b64(badUtf8)}`;
  reject(
    'A18 invalid UTF-8 in claims',
    `${badInput}.${b64(rawSignature('EdDSA', ed.privateKey.keyObject, badInput))}`,
  );

  // A19: size.
  reject('A19 token over maxTokenLength', accessToken({ filler: 'x'.repeat(9000) }));
  reject('A19 100k dots', '.'.repeat(100_000));
  reject(
    'A19 deeply nested arrays in claims',
    edRaw(
      JSON.stringify(ED_HEADER),
      claimsText.replace('{', `{"deep":${'['.repeat(2000)}${']'.repeat(2000)},`),
    ),
  );
  const ecInput = `${seg({ alg: 'ES256', typ: 'at+jwt', kid: 'ec-1' })}.${p}`;
  reject('A19 20k-character ES signature', `${ecInput}.${'A'.repeat(20_000)}`);
  reject('A19 7k-character ES signature', `${ecInput}.${'A'.repeat(7000)}`);

  // A20: JWE-looking tokens.
  reject('A20 five segments', `${h}.${p}.${s}.${p}.${s}`);
  reject('A20 enc header', edSigned({ ...ED_HEADER, enc: 'A256GCM' }));
  reject('A20 zip header', edSigned({ ...ED_HEADER, zip: 'DEF' }));
  reject('A20 p2c header', edSigned({ ...ED_HEADER, p2c: 2 ** 31 }));

  // A22: JSON serialization.
  reject('A22 flattened JSON serialization', JSON.stringify({ protected: h, payload: p, signature: s }), 400);
  reject(
    'A22 general JSON serialization',
    JSON.stringify({ payload: p, signatures: [{ protected: h, signature: s }] }),
    400,
  );

  // A23: header alg vs the key's bound alg.
  const rsaClaims = claimsText;
  reject(
    'A23 PS256 with an RS256 key',
    rawToken(
      JSON.stringify({ alg: 'PS256', typ: 'at+jwt', kid: 'rsa-1' }),
      rsaClaims,
      'PS256',
      rsa.privateKey.keyObject,
    ),
  );
  reject(
    'A23 RS512 with an RS256 key',
    rawToken(
      JSON.stringify({ alg: 'RS512', typ: 'at+jwt', kid: 'rsa-1' }),
      rsaClaims,
      'RS512',
      rsa.privateKey.keyObject,
    ),
  );
  reject(
    'A23 ES384 with a P-256 key',
    rawToken(
      JSON.stringify({ alg: 'ES384', typ: 'at+jwt', kid: 'ec-1' }),
      rsaClaims,
      'ES384',
      ec.privateKey.keyObject,
    ),
  );
  reject(
    'A23 kid of another key type',
    rawToken(
      JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', kid: 'rsa-1' }),
      rsaClaims,
      'EdDSA',
      ed.privateKey.keyObject,
    ),
  );

  // A26: a near-copy of a good (and cached) token.
  // An Ed25519 signature is 86 characters: the last one carries 2 bits, so A, Q, g and w are its canonical values.
  const other = ['A', 'Q', 'g', 'w'].find((c) => c !== good.at(-1)) as string;
  reject('A26 good token with its last character changed', `${good.slice(0, -1)}${other}`);

  // Guard claims: types of sub, sid, roles, permissions.
  reject('claims: sub missing', edSigned(ED_HEADER, { ...accessClaims(), sub: undefined }));
  reject('claims: sub not a string', edSigned(ED_HEADER, accessClaims({ sub: 42 as unknown as string })));
  reject('claims: roles not an array', accessToken({ roles: 'admin' }));
  reject('claims: roles with a non-string', accessToken({ roles: ['user', { admin: true }] }));
  reject('claims: permissions not an array', accessToken({ permissions: { all: true } }));
  reject('claims: sid not a string', accessToken({ sid: 7 }));
  return attacks;
}
