// `tessera token decode` and `tessera token lint` through the built CLI.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, makeWorkspace } from './helpers/e2e-cli.js';
import { b64, hs256, signEs256, token, writeKeyFiles } from './helpers/e2e-token-fixtures.js';

describe('tessera token decode and lint', () => {
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

  describe('decode', () => {
    it('shows header and payload marked UNVERIFIED, with times as ISO dates', async () => {
      const jwt = hs256({ sub: 'u1', iat: 1716235422, exp: 1716239022 }, 'whatever');
      const r = await token(['decode', jwt]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^UNVERIFIED: the signature was NOT checked/);
      assert.match(r.stdout, /"sub": "u1"/);
      assert.match(r.stdout, /exp {2}2024-05-20T21:03:42\.000Z \(.* ago\)/);
      assert.match(r.stdout, /iat {2}2024-05-20T20:03:42\.000Z/);
      const json = JSON.parse((await token(['decode', jwt, '--json'])).stdout);
      assert.deepEqual(json, {
        verified: false,
        header: { alg: 'HS256', typ: 'JWT' },
        payload: { sub: 'u1', iat: 1716235422, exp: 1716239022 },
        times: { iat: '2024-05-20T20:03:42.000Z', exp: '2024-05-20T21:03:42.000Z' },
      });
    });

    it('escapes terminal control characters from the token', async () => {
      const jwt = hs256({ sub: 'x\u001b[2J\u009b31m' }, 'k');
      const r = await token(['decode', jwt]);
      assert.equal(r.code, 0);
      assert.ok(!r.stdout.includes('\u001b') && !r.stdout.includes('\u009b'));
      assert.match(r.stdout, /\\u001b\[2J\\u009b31m/);
    });

    it('fails with one line on something that is not a JWT', async () => {
      const r = await token(['decode', 'not-a-token']);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        'tessera: cannot decode the token: a JWT has three dot-separated segments; this has 1\n',
      );
    });
  });

  describe('lint', () => {
    it('exits 0 for a clean token', async () => {
      const jwt = await signEs256(files.private);
      const r = await token(['lint', jwt]);
      assert.equal(r.code, 0, r.stdout);
      assert.equal(r.stdout, 'no findings\n');
    });

    it('reports alg none with one line per finding and exits 1', async () => {
      const jwt = `${b64({ alg: 'None', typ: 'JWT' })}.${b64({ sub: 'u1', iss: 'i', aud: 'a', iat: 1, exp: 2 })}.`;
      const r = await token(['lint', jwt]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^error TL001 alg-none: alg is "None"/m);
      assert.match(r.stdout, /^info {2}TL016 expired: /m);
    });

    it('finds a well-known secret without --secret-file, and never prints it', async () => {
      const jwt = hs256({ sub: 'u1', iat: 1, exp: 2, iss: 'i', aud: 'a' }, 'keyboard cat');
      const r = await token(['lint', jwt, '--json']);
      assert.equal(r.code, 1);
      const out = JSON.parse(r.stdout);
      assert.ok(out.findings.some((f: { code: string }) => f.code === 'TL006'));
      assert.ok(!r.stdout.includes('keyboard cat'));
    });

    it('checks the given secret file: short and common, signature, never echoed', async () => {
      const jwt = hs256({ sub: 'u1' }, 'your-256-bit-secret');
      const r = await token(['lint', jwt, '--secret-file', files.weak]);
      assert.equal(r.code, 1);
      for (const line of [
        'TL002 missing-exp',
        'TL005 weak-secret',
        'TL006 common-secret',
        'TL015 signature-ok',
      ]) {
        assert.ok(r.stdout.includes(line), line);
      }
      assert.ok(!`${r.stdout}${r.stderr}`.includes('your-256-bit-secret'));
      const strong = hs256({ sub: 'u1', iss: 'i', aud: 'a', iat: 1, exp: 600 }, keys.strongSecret);
      const ok = await token(['lint', strong, '--secret-file', files.strong]);
      assert.equal(ok.code, 0, ok.stdout);
      assert.match(ok.stdout, /TL015 signature-ok/);
      assert.ok(!ok.stdout.includes(keys.strongSecret));
    });

    it('reports sensitive claims as errors in JSON with counts', async () => {
      const jwt = hs256({ sub: 'u1', creditCard: '4111111111111111', exp: 9e9 }, keys.strongSecret);
      const out = JSON.parse((await token(['lint', jwt, '--json'])).stdout);
      assert.ok(
        out.findings.some(
          (f: { code: string; path?: string }) => f.code === 'TL004' && f.path === 'creditCard',
        ),
      );
      assert.equal(
        out.errors,
        out.findings.filter((f: { severity: string }) => f.severity === 'error').length,
      );
    });
  });
});
