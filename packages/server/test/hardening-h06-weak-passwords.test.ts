// Hardening H6 (docs/security.md): weak passwords. `password`, `12345678` and the user's own
// email were accepted. Every new password (registration, password change, `tessera users add`)
// now goes through checkNewPassword: refused when found in a shipped list of 100,000 breached
// passwords (any case) or when it contains the email's name, with a 400 that says why.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { checkNewPassword, describePasswordProblem, PASSWORD_PROBLEMS } from '../src/service/passwords.js';
import { assertBuilt, makeWorkspace, runCli } from './helpers/e2e-cli.js';
import { bearer, errorBody, json, openTestApp, signIn, type TestApp } from './helpers/http.js';
import { PASSWORD } from './helpers/service.js';

const COMMON = ['password', '12345678', 'Password1', 'QWERTYUIOP', 'iloveyou', 'trustno1', 'p@ssw0rd'];

function register(t: TestApp, email: string, password: string) {
  return t.app.inject({ method: 'POST', url: '/auth/register', payload: { email, password } });
}

describe('H6 weak passwords', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp();
  });
  after(() => t.cleanup());

  it('ships a list of at least 100,000 breached passwords', () => {
    const list = gunzipSync(readFileSync(new URL('../assets/common-passwords.txt.gz', import.meta.url)));
    const entries = list.toString('utf8').split('\n').filter(Boolean);
    assert.ok(entries.length >= 100_000, `${entries.length} entries`);
    assert.ok(entries.includes('password') && entries.includes('12345678'));
  });

  it('registration refuses common passwords in any case, with a 400 that says why', async () => {
    for (const [i, password] of COMMON.entries()) {
      const res = await register(t, `common${i}@example.com`, password);
      assert.equal(res.statusCode, 400, password);
      assert.deepEqual(errorBody(res), {
        error: 'invalid_request',
        error_description: 'password is too common (found in a list of breached passwords)',
      });
    }
    assert.equal(await t.store.users.count(), 0);
  });

  it("registration refuses a password equal to or containing the email's name", async () => {
    for (const password of ['ada.lovelace@example.com', 'ADA.LOVELACE', 'i am ada.lovelace!']) {
      const res = await register(t, 'Ada.Lovelace@example.com', password);
      assert.equal(res.statusCode, 400, password);
      assert.equal(errorBody(res).error_description, "password must not contain the email's name");
    }
    // The name before a +tag counts too; a name under 3 characters is not a word to avoid.
    assert.equal(
      checkNewPassword('grace-hopper-1906', { email: 'grace+news@example.com' }),
      'contains-email',
    );
    assert.equal(checkNewPassword('bolero in d major', { email: 'bo@example.com' }), null);
    assert.equal((await register(t, 'ada.lovelace@example.com', PASSWORD)).statusCode, 201);
  });

  it('every problem code and its sentence are in docs/errors.md', () => {
    const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    for (const problem of PASSWORD_PROBLEMS) {
      assert.ok(docs.includes(`| \`${problem}\` | ${describePasswordProblem(problem)} |`), problem);
    }
  });

  it('too short and too long say so too', () => {
    assert.equal(checkNewPassword('short'), 'too-short');
    assert.equal(checkNewPassword('x'.repeat(1025)), 'too-long');
    assert.match(describePasswordProblem('too-short'), /at least 8 bytes/);
    assert.match(describePasswordProblem('too-long'), /at most 1024 bytes/);
  });

  it('a password change is checked the same way', async () => {
    const { access_token } = await signIn(t, 'grace@example.com');
    for (const [password, why] of [
      ['12345678', 'password is too common (found in a list of breached passwords)'],
      ['grace grace grace', "password must not contain the email's name"],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/auth/password',
        headers: bearer(access_token),
        payload: { current_password: PASSWORD, new_password: password },
      });
      assert.equal(res.statusCode, 400);
      assert.equal(json(res).error_description, why);
    }
  });

  it('`tessera users add` is checked the same way', async () => {
    assertBuilt();
    const ws = await makeWorkspace();
    after(() => ws.remove());
    const add = (email: string, password: string) =>
      runCli(['users', 'add', email, '--password-stdin', ...ws.storeArgs], { input: password });
    const common = await add('ops@example.com', 'password1');
    assert.equal(common.code, 1);
    assert.equal(common.stderr, 'tessera: password is too common (found in a list of breached passwords)\n');
    const own = await add('ops@example.com', 'ops@example.com');
    assert.equal(own.code, 1);
    assert.equal(own.stderr, "tessera: password must not contain the email's name\n");
    assert.equal((await add('ops@example.com', PASSWORD)).code, 0);
  });
});
