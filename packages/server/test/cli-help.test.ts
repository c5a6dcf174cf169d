// Help output and the one-line error convention of the built CLI.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { assertBuilt, runCli } from './helpers/e2e-cli.js';

describe('tessera help and errors', () => {
  before(() => assertBuilt());

  it('prints help for the program and for every command', async () => {
    const top = await runCli(['--help']);
    assert.equal(top.code, 0);
    for (const command of ['serve', 'users', 'keys', 'revoke', 'clients', 'token'])
      assert.match(top.stdout, new RegExp(`\\n  ${command}`));
    const commands = [
      ['serve'],
      ['users', 'add'],
      ['users', 'list'],
      ['users', 'show'],
      ['users', 'set-role'],
      ['users', 'set-permissions'],
      ['users', 'set-password'],
      ['users', 'block'],
      ['users', 'unblock'],
      ['users', 'delete'],
      ['keys', 'list'],
      ['keys', 'rotate'],
      ['keys', 'revoke'],
      ['keys', 'jwks'],
      ['revoke'],
      ['clients', 'add'],
      ['clients', 'list'],
      ['clients', 'rotate-secret'],
      ['clients', 'remove'],
      ['token', 'decode'],
      ['token', 'verify'],
      ['token', 'sign'],
      ['token', 'lint'],
    ];
    for (const command of commands) {
      const r = await runCli([...command, '--help']);
      assert.equal(r.code, 0, command.join(' '));
      assert.match(r.stdout, new RegExp(`^Usage: tessera ${command.join(' ')} `), command.join(' '));
    }
    for (const command of ['set-password', 'set-permissions', 'show', 'delete']) {
      assert.match(top.stdout, new RegExp(`\\$ .*tessera users ${command} `), command);
    }
    const lint = await runCli(['token', 'lint', '--help']);
    assert.match(lint.stdout, /TL001 alg-none/);
    const store = await runCli(['users', 'list', '--help']);
    assert.match(store.stdout, /--data-dir[\s\S]*--config[\s\S]*--database-url/);
  });

  it('reports usage errors on one stderr line with exit code 1', async () => {
    for (const args of [
      ['srve'],
      ['users', 'add'],
      ['keys', 'list', '--bogus'],
      ['token', 'sign', '--alg'],
    ]) {
      const r = await runCli(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, /^tessera: [^\n]+\n$/, args.join(' '));
    }
  });
});
