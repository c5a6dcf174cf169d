// oauth-assertion.ts: the key of a private_key_jwt client and its client assertions (RFC 7523).
//   npx tsx oauth-assertion.ts key FILE                   writes a new ES256 private JWK to FILE, prints the public JWKS
//   npx tsx oauth-assertion.ts sign FILE CLIENT_ID AUD    prints a fresh assertion (60 s, one-time jti)
import { readFileSync, writeFileSync } from 'node:fs';
import { exportJwk, generateKeyPair, importJwk, type Jwk, signJwt } from '@tessera/jwt';

const [command, file, clientId, audience] = process.argv.slice(2);
if (command === 'key' && file !== undefined) {
  const { privateKey, publicKey } = generateKeyPair('ES256', { kid: 'assertion-1' });
  writeFileSync(file, JSON.stringify(exportJwk(privateKey, { private: true })), { mode: 0o600 });
  console.log(JSON.stringify({ keys: [exportJwk(publicKey)] }));
} else if (command === 'sign' && file !== undefined && clientId !== undefined && audience !== undefined) {
  const key = importJwk(JSON.parse(readFileSync(file, 'utf8')) as Jwk);
  console.log(
    signJwt({}, key, { issuer: clientId, subject: clientId, audience, jwtId: true, expiresIn: '60s' }),
  );
} else {
  console.error('usage: oauth-assertion.ts key FILE | sign FILE CLIENT_ID AUDIENCE');
  process.exit(2);
}
