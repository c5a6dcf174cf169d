// `tessera token sign` and `tessera token verify` through the built CLI.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { importPem, signJwt } from '@tessera/jwt';
import { assertBuilt, makeWorkspace } from './helpers/e2e-cli.js';
import { hs256, signEs256, token, writeKeyFiles } from './helpers/e2e-token-fixtures.js';

describe('tessera token sign and verify', () => {
  let ws: Awaited<ReturnType<typeof makeWorkspace>>;
  let keys: Awaited<ReturnType<typeof writeKeyFiles>>;
  let files: Awaited<ReturnType<typeof writeKeyFiles>>['files'];

  before(async () => {
    assertBuilt();
    ws = await makeWorkspace();
    keys = await writeKeyFiles(ws.dir);
    files = keys.files;
  });
  after(() => ws.remove());

  it('signs with a PEM key and verifies with the public PEM and with a JWKS file', async () => {
    const jwt = await signEs256(files.private, ['--expires-in', '15m']);
    for (const source of [
      ['--key-file', files.public],
      ['--jwks-file', files.jwks],
    ] as string[][]) {
      const r = await token([
        'verify',
        jwt,
        ...source,
        '--alg',
        'ES256',
        '--issuer',
        'https://auth.example.com',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^VALID: signature \(ES256, kid "k1"\)/);
    }
    const json = await token(['verify', jwt, '--jwks-file', files.jwks, '--alg', 'ES256', '--json']);
    const out = JSON.parse(json.stdout);
    assert.equal(out.valid, true);
    assert.equal(out.payload.exp - out.payload.iat, 900);
    assert.deepEqual([out.payload.sub, out.payload.aud, out.payload.roles], ['u1', 'api', ['user']]);
  });

  it('defaults exp to 10 minutes', async () => {
    const jwt = await signEs256(files.private);
    const out = JSON.parse((await token(['decode', jwt, '--json'])).stdout);
    assert.equal(out.payload.exp - out.payload.iat, 600);
  });

  it('accepts the token on stdin and --alg before it', async () => {
    const jwt = await signEs256(files.private);
    const piped = await token(['verify', '--key-file', files.public, '--alg', 'ES256'], jwt);
    assert.equal(piped.code, 0, piped.stderr);
    const trailing = await token(['verify', '--key-file', files.public, '--alg', 'ES256', jwt]);
    assert.equal(trailing.code, 0, trailing.stderr);
  });

  it('exits 1 with the JwtError code for each kind of invalid token', async () => {
    const jwt = await signEs256(files.private);
    const { privateKey: otherKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const otherPem = otherKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const other = signJwt({ sub: 'u1' }, importPem(otherPem, { alg: 'ES256', kid: 'k1' }), {
      expiresIn: 60,
    });
    const expired = signJwt({ sub: 'u1' }, importPem(keys.pemPrivate, { alg: 'ES256' }), {
      expiresIn: 60,
      now: new Date(Date.now() - 3600_000),
    });
    const cases: [string, string[], RegExp][] = [
      [expired, [], /ERR_JWT_EXPIRED/],
      [other, [], /ERR_JWS_INVALID_SIGNATURE/],
      [jwt, ['--issuer', 'https://other.example.com'], /ERR_JWT_CLAIM_INVALID/],
      [jwt, ['--audience', 'other'], /ERR_JWT_CLAIM_INVALID/],
      [jwt, ['--typ', 'at+jwt'], /ERR_JWT_CLAIM_INVALID/],
      [
        `${jwt.slice(0, -4)}${jwt.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`,
        [],
        /ERR_JWS_INVALID_SIGNATURE|ERR_JWS_INVALID/,
      ],
    ];
    for (const [input, extra, code] of cases) {
      const r = await token(['verify', input, '--key-file', files.public, '--alg', 'ES256', ...extra]);
      assert.equal(r.code, 1, `${extra.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, /^tessera: invalid token: ERR_[A-Z_]+: .*\n$/);
      assert.match(r.stderr, code);
    }
    const rs = await token(['verify', jwt, '--jwks-file', files.jwks, '--alg', 'RS256']);
    assert.equal(rs.code, 1);
    assert.match(rs.stderr, /ERR_JWS_ALG_NOT_ALLOWED/);
    const json = await token(['verify', expired, '--key-file', files.public, '--alg', 'ES256', '--json']);
    assert.equal(json.code, 1);
    assert.equal(JSON.parse(json.stdout).code, 'ERR_JWT_EXPIRED');
  });

  it('signs and verifies with an HMAC secret file (one trailing newline ignored)', async () => {
    const s = await token(['sign', '--secret-file', files.strong, '--alg', 'HS256', '--subject', 'u1']);
    assert.equal(s.code, 0, s.stderr);
    const jwt = s.stdout.trim();
    const expected = hs256(
      JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()),
      keys.strongSecret,
    );
    assert.equal(jwt.split('.')[2], expected.split('.')[2]);
    const v = await token(['verify', jwt, '--secret-file', files.strong, '--alg', 'HS256']);
    assert.equal(v.code, 0, v.stderr);
  });

  it('refuses weak secrets, alg none, unknown algs and ambiguous key sources, never echoing a secret', async () => {
    const cases: [string[], RegExp][] = [
      [['sign', '--secret-file', files.weak, '--alg', 'HS256'], /ERR_KEY_WEAK/],
      [['verify', 'a.b.c', '--secret-file', files.weak, '--alg', 'HS256'], /ERR_KEY_WEAK.*lint/],
      [['verify', 'a.b.c', '--key-file', files.public, '--alg', 'none'], /"none" is never accepted/],
      [['verify', 'a.b.c', '--key-file', files.public, '--alg', 'ES999'], /unknown alg/],
      [
        ['verify', 'a.b.c', '--key-file', files.public, '--jwks-file', files.jwks, '--alg', 'ES256'],
        /exactly one of/,
      ],
      [['verify', 'a.b.c', '--key-file', files.public], /--alg is required/],
      [['sign', '--key-file', files.public, '--alg', 'ES256'], /private key/],
      [['sign', '--key-file', files.private, '--alg', 'ES256', '--claims', '[1]'], /JSON object/],
    ];
    for (const [args, message] of cases) {
      const r = await token(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split('\n').length, 2, r.stderr);
      assert.ok(!r.stderr.includes('your-256-bit-secret'));
    }
  });

  it('reports a JWKS URL that cannot be fetched as a key problem, not an invalid token', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const jwt = await signEs256(files.private);
    const r = await token([
      'verify',
      jwt,
      '--jwks-url',
      `http://127.0.0.1:${port}/jwks.json`,
      '--alg',
      'ES256',
    ]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'tessera: cannot get the keys: ERR_JWKS_FETCH_FAILED: the JWKS fetch failed\n');
  });

  it('warns on stderr when the signed claims hold sensitive data', async () => {
    const r = await token([
      'sign',
      '--key-file',
      files.private,
      '--alg',
      'ES256',
      '--claims',
      '{"password":"pw-123456"}',
    ]);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /warning: TL004 sensitive-claim/);
    assert.ok(!r.stderr.includes('pw-123456'));
  });
});
