// docs/security.md R7: user enumeration. Login and signup for an existing vs an unknown user answer
// with the same status, body and header set, and login takes about the same time: an unknown email
// costs a dummy argon2 verification. Timing is compared by medians with a generous bound only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { DEFAULT_ARGON2 } from '../src/service/passwords.js';
import { json, login, openTestApp, register, type TestApp } from './helpers/http.js';
import { median, PASSWORD } from './helpers/service.js';

/** Header names, without the ones that differ between any two responses. */
function headerSet(res: LightMyRequestResponse): string[] {
  return Object.keys(res.headers)
    .filter((h) => h !== 'date')
    .sort();
}

describe('R7 user enumeration', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp();
    await t.service.accounts.register('ada@example.com', PASSWORD);
  });
  after(() => t.cleanup());

  it('login: unknown email and wrong password give the same status, body and headers', async () => {
    const unknown = await login(t.app, 'nobody@example.com', 'some password');
    const wrong = await login(t.app, 'ada@example.com', 'some password');
    assert.equal(unknown.statusCode, 401);
    assert.equal(wrong.statusCode, unknown.statusCode);
    assert.equal(wrong.body, unknown.body);
    assert.deepEqual(headerSet(wrong), headerSet(unknown));
    for (const h of headerSet(wrong)) assert.equal(wrong.headers[h], unknown.headers[h], h);
  });

  it('signup: a taken email looks like a new one (201, same shape and headers)', async () => {
    const fresh = await register(t.app, 'new@example.com');
    const taken = await register(t.app, 'ADA@example.com');
    assert.equal(fresh.statusCode, 201);
    assert.equal(taken.statusCode, 201);
    const a = json(fresh);
    const b = json(taken);
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
    assert.equal(b.email, 'ada@example.com');
    assert.match(String(b.id), /^[0-9a-f-]{36}$/);
    assert.notEqual(
      b.id,
      (await t.store.users.findByEmail('ada@example.com'))?.id,
      'the real id is not disclosed',
    );
    assert.deepEqual(headerSet(taken), headerSet(fresh));
    // The existing account is untouched: its password still works.
    assert.equal((await login(t.app, 'ada@example.com', PASSWORD)).statusCode, 200);
  });

  it('timing with the real argon2 parameters: unknown-email median within 2x of wrong-password median', async () => {
    const real = await openTestApp({ config: { argon2: DEFAULT_ARGON2 } });
    after(() => real.cleanup());
    await real.service.accounts.register('ada@example.com', PASSWORD);
    const time = async (email: string) => {
      const started = process.hrtime.bigint();
      const res = await login(real.app, email, 'not the password');
      assert.equal(res.statusCode, 401);
      return Number(process.hrtime.bigint() - started);
    };
    // Warm up both paths (the dummy hash is made on first use; JIT and SQL statements settle).
    for (let i = 0; i < 3; i++) {
      await time(`warm${i}@example.com`);
      await time('ada@example.com');
    }
    const unknown: number[] = [];
    const wrong: number[] = [];
    // Interleaved, so that a slow moment of a busy machine hits both sides alike.
    for (let i = 0; i < 15; i++) {
      unknown.push(await time(`nobody${i}@example.com`));
      wrong.push(await time('ada@example.com'));
    }
    const ratio = median(unknown) / median(wrong);
    assert.ok(ratio > 0.5 && ratio < 2, `unknown/wrong median ratio ${ratio.toFixed(2)}`);
  });
});
