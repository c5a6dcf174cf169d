// Key files and hand-made tokens for the `tessera token` tests.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJwk, importPem } from '@tessera/jwt';
import { runCli } from './e2e-cli.js';
import { hmacToken } from './forge.js';

export { b64 } from './forge.js';

/** An HS256 token made by hand, so tests can make tokens the CLI would refuse to sign. */
export function hs256(
  payload: object,
  secret: string | Buffer,
  header: { alg: string; [name: string]: unknown } = { alg: 'HS256', typ: 'JWT' },
) {
  return hmacToken(header, payload, secret);
}

/** Runs `tessera token ARGS…`. */
export const token = (args: string[], input?: string) =>
  runCli(['token', ...args], input === undefined ? {} : { input });

/** Writes an ES256 key pair (PEM and a JWKS with kid k1), a strong and a well-known secret file. */
export async function writeKeyFiles(dir: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pemPublic = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const pemPrivate = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const strongSecret = randomBytes(48).toString('base64');
  const contents = {
    private: pemPrivate,
    public: pemPublic,
    strong: `${strongSecret}\n`,
    weak: 'your-256-bit-secret\n',
    jwks: JSON.stringify({ keys: [exportJwk(importPem(pemPublic, { alg: 'ES256', kid: 'k1' }))] }),
  };
  const files = {} as Record<keyof typeof contents, string>;
  for (const [name, text] of Object.entries(contents) as [keyof typeof contents, string][]) {
    files[name] = join(dir, name);
    await writeFile(files[name], text);
  }
  return { files, strongSecret, pemPrivate, pemPublic };
}

/** Signs a clean ES256 token (kid k1, sub, iss, aud, roles) with the CLI. */
export async function signEs256(privateKeyFile: string, extra: string[] = []): Promise<string> {
  const r = await token([
    'sign',
    '--key-file',
    privateKeyFile,
    '--alg',
    'ES256',
    '--kid',
    'k1',
    '--claims',
    '{"roles":["user"]}',
    '--subject',
    'u1',
    '--issuer',
    'https://auth.example.com',
    '--audience',
    'api',
    ...extra,
  ]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}
