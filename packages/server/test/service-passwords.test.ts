import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import argon2 from 'argon2';
import { defaultConfig } from '../src/config.js';
import {
  checkPassword,
  DEFAULT_ARGON2,
  MAX_PASSWORD_BYTES,
  MIN_PASSWORD_BYTES,
  PasswordHasher,
} from '../src/service/passwords.js';
import { FAST_ARGON2, openTestService, PASSWORD, testConfig } from './helpers/service.js';

/** The argon2 parameters written in a PHC string: `$argon2id$v=19$m=1024,p=1,t=1$salt$hash`. */
function phcParams(hash: string): { type: string; m: number; t: number; p: number } {
  const [, type = '', version, params = ''] = hash.split('$');
  assert.equal(version, 'v=19', 'a PHC argon2 string');
  const values = Object.fromEntries(params.split(',').map((kv) => kv.split('=')));
  return { type, m: Number(values.m), t: Number(values.t), p: Number(values.p) };
}

describe('password rules', () => {
  it('accepts 8 to 1024 UTF-8 bytes, counting bytes rather than characters', () => {
    assert.equal(MIN_PASSWORD_BYTES, 8);
    assert.equal(MAX_PASSWORD_BYTES, 1024);
    assert.equal(checkPassword('a'.repeat(7)), 'too-short');
    assert.equal(checkPassword('a'.repeat(8)), null);
    assert.equal(checkPassword('a'.repeat(1024)), null);
    assert.equal(checkPassword('a'.repeat(1025)), 'too-long');
    // 4 characters of 2 bytes each: 8 bytes.
    assert.equal(checkPassword('éééé'), null);
    assert.equal(checkPassword('ééé'), 'too-short');
    // 342 three-byte characters are 1026 bytes although only 342 characters.
    assert.equal(checkPassword('€'.repeat(342)), 'too-long');
  });
});

describe('PasswordHasher', () => {
  it('defaults to the OWASP minimum for argon2id: m=19 MiB, t=2, p=1, also in the config', async () => {
    assert.deepEqual(DEFAULT_ARGON2, { memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 });
    assert.deepEqual(defaultConfig().argon2, DEFAULT_ARGON2);
    // The real parameters, end to end: a hash made with the defaults says so in its PHC string.
    const hasher = new PasswordHasher();
    const hash = await hasher.hash(PASSWORD);
    assert.deepEqual(phcParams(hash), { type: 'argon2id', m: 19456, t: 2, p: 1 });
    assert.equal(await hasher.verify(hash, PASSWORD), true);
    assert.equal(await hasher.verify(hash, `${PASSWORD}!`), false);
    assert.equal(hasher.needsRehash(hash), false);
  });

  it('takes its parameters from the configuration', async () => {
    const config = testConfig('/tmp/unused', { argon2: { memoryCost: 2048, timeCost: 3, parallelism: 2 } });
    assert.deepEqual(config.argon2, { memoryCost: 2048, timeCost: 3, parallelism: 2 });
    const hasher = new PasswordHasher(config.argon2, 2);
    assert.deepEqual(phcParams(await hasher.hash(PASSWORD)), { type: 'argon2id', m: 2048, t: 3, p: 2 });
  });

  it('refuses parameters too small to be argon2', () => {
    assert.throws(() => new PasswordHasher({ memoryCost: 4, timeCost: 1, parallelism: 1 }), /too small/);
    assert.throws(() => new PasswordHasher({ memoryCost: 1024, timeCost: 0 }), /too small/);
  });

  it('never stores the password: a salted argon2id hash, different each time', async () => {
    const hasher = new PasswordHasher(FAST_ARGON2);
    const a = await hasher.hash(PASSWORD);
    const b = await hasher.hash(PASSWORD);
    assert.notEqual(a, b);
    assert.ok(!a.includes(PASSWORD));
    assert.equal(phcParams(a).type, 'argon2id');
  });

  it('treats a malformed stored hash as a mismatch that needs a rehash, not an error', async () => {
    const hasher = new PasswordHasher(FAST_ARGON2);
    assert.equal(await hasher.verify('not a hash', PASSWORD), false);
    assert.equal(hasher.needsRehash('not a hash'), true);
  });

  it('says a hash needs rehashing when the parameters changed', async () => {
    const old = new PasswordHasher({ memoryCost: 1024, timeCost: 1 });
    const current = new PasswordHasher({ memoryCost: 2048, timeCost: 1 });
    const hash = await old.hash(PASSWORD);
    assert.equal(old.needsRehash(hash), false);
    assert.equal(current.needsRehash(hash), true);
    // The old hash still verifies under the new parameters: it carries its own.
    assert.equal(await current.verify(hash, PASSWORD), true);
  });

  it('hashes off the event loop: timers run while a hash with the real parameters is computed', async () => {
    const hasher = new PasswordHasher(DEFAULT_ARGON2, 1);
    let done = false;
    let ticks = 0;
    const pending = hasher.hash(PASSWORD).then(() => {
      done = true;
    });
    // A hash computed on the event loop would finish before any of these callbacks could run.
    await new Promise<void>((resolve) => {
      const tick = () => {
        if (done) return resolve();
        ticks++;
        setImmediate(tick);
      };
      setImmediate(tick);
    });
    await pending;
    assert.ok(ticks > 0, 'the event loop turned while argon2 was running');
  });

  it('bounds how many hashes run at once; the rest wait their turn and all complete', async () => {
    const original = argon2.hash;
    let running = 0;
    let peak = 0;
    argon2.hash = (async (...args: Parameters<typeof original>) => {
      running++;
      peak = Math.max(peak, running);
      try {
        return await original(...args);
      } finally {
        running--;
      }
    }) as typeof original;
    after(() => {
      argon2.hash = original;
    });
    const hasher = new PasswordHasher(FAST_ARGON2, 2);
    const hashes = await Promise.all(Array.from({ length: 12 }, (_, i) => hasher.hash(`password-${i}`)));
    assert.equal(new Set(hashes).size, 12);
    assert.equal(peak, 2);
    assert.equal(running, 0);
    // Verification shares the same bound.
    const results = await Promise.all(hashes.map((h, i) => hasher.verify(h, `password-${i}`)));
    assert.deepEqual(new Set(results), new Set([true]));
  });

  it('verifyDummy spends a verification and is always false', async () => {
    const hasher = new PasswordHasher(FAST_ARGON2);
    const original = argon2.verify;
    let verifications = 0;
    argon2.verify = ((...args: Parameters<typeof original>) => {
      verifications++;
      return original(...args);
    }) as typeof original;
    try {
      assert.equal(await hasher.verifyDummy(PASSWORD), false);
      assert.equal(await hasher.verifyDummy('tessera dummy password for unknown accounts'), false);
      assert.equal(verifications, 2);
    } finally {
      argon2.verify = original;
    }
  });
});

describe('rehash on login', () => {
  it('replaces a stored hash made with other parameters at the next successful login', async () => {
    const first = await openTestService({ config: { argon2: { memoryCost: 1024, timeCost: 1 } } });
    after(() => first.cleanup());
    await first.service.accounts.register('ada@example.com', PASSWORD);
    const before = (await first.store.users.findByEmail('ada@example.com'))!.passwordHash;
    assert.deepEqual(phcParams(before), { type: 'argon2id', m: 1024, t: 1, p: 1 });
    await first.close();

    const second = await first.reopen({ config: { argon2: { memoryCost: 2048, timeCost: 2 } } });
    after(() => second.close());
    // A wrong password changes nothing.
    assert.equal(
      (await second.service.sessions.login('ada@example.com', 'wrong password')).status,
      'invalid-credentials',
    );
    assert.equal((await second.store.users.findByEmail('ada@example.com'))!.passwordHash, before);

    assert.equal((await second.service.sessions.login('ada@example.com', PASSWORD)).status, 'ok');
    const after1 = (await second.store.users.findByEmail('ada@example.com'))!.passwordHash;
    assert.deepEqual(phcParams(after1), { type: 'argon2id', m: 2048, t: 2, p: 1 });
    // The same parameters again: no further rehash.
    assert.equal((await second.service.sessions.login('ada@example.com', PASSWORD)).status, 'ok');
    assert.equal((await second.store.users.findByEmail('ada@example.com'))!.passwordHash, after1);
  });
});
