import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { errorBody, openTestApp, register } from './helpers/http.js';

describe('registration setting', () => {
  it('"closed": POST /auth/register is 403 and creates nothing; the service still creates accounts for admins', async () => {
    const t = await openTestApp({ config: { registration: 'closed' } });
    after(() => t.cleanup());
    const res = await register(t.app, 'ada@example.com');
    assert.equal(res.statusCode, 403);
    assert.equal(errorBody(res).error, 'access_denied');
    assert.match(errorBody(res).error_description, /registration is closed/);
    assert.equal(await t.store.users.findByEmail('ada@example.com'), null);
    const created = await t.service.accounts.register('ada@example.com', 'correct horse battery staple');
    assert.equal(created.status, 'created');
  });

  it('"open" (the default): anyone may register', async () => {
    const t = await openTestApp();
    after(() => t.cleanup());
    assert.equal((await register(t.app, 'ada@example.com')).statusCode, 201);
  });
});
