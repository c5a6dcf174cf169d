import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { promptNewPassword, promptPassword, readPasswordFromStdin } from './password-input.js';

/** A fake terminal: records raw-mode switches; `type` feeds keystrokes after the prompt is up. */
function terminal() {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    isRaw: false,
    modes: [] as boolean[],
    setRawMode(mode: boolean) {
      this.modes.push(mode);
      this.isRaw = mode;
      return this;
    },
  });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (c: Buffer) => {
    shown += c.toString();
  });
  return { input, output, shown: () => shown, type: (keys: string) => setImmediate(() => input.write(keys)) };
}

describe('promptPassword', () => {
  it('reads in raw mode without echoing, handles backspace, and restores the mode', async () => {
    const t = terminal();
    const answer = promptPassword('Password: ', t.input, t.output);
    t.type('hunter2x\u007f2\r');
    assert.equal(await answer, 'hunter22');
    assert.deepEqual(t.input.modes, [true, false]);
    assert.equal(t.shown(), 'Password: \n');
  });

  it('cancels on Ctrl-C', async () => {
    const t = terminal();
    const answer = promptPassword('Password: ', t.input, t.output);
    t.type('abc\u0003');
    await assert.rejects(answer, /cancelled/);
    assert.equal(t.input.isRaw, false);
  });

  it('refuses a stream that is not a terminal', async () => {
    const input = Readable.from([]);
    await assert.rejects(promptPassword('Password: ', input, new PassThrough()), /--password-stdin/);
  });

  it('asks twice and refuses different entries', async () => {
    const t = terminal();
    const answer = promptNewPassword('ada@example.com', t.input, t.output);
    t.type('correct horse\rcorrect horsf\r');
    await assert.rejects(answer, /do not match/);
    assert.ok(!t.shown().includes('correct'));
  });

  it('returns the password when both entries match', async () => {
    const t = terminal();
    const answer = promptNewPassword('ada@example.com', t.input, t.output);
    t.type('correct horse\r');
    t.type('correct horse\n');
    assert.equal(await answer, 'correct horse');
  });
});

describe('readPasswordFromStdin', () => {
  it('drops one trailing newline and nothing else', async () => {
    assert.equal(await readPasswordFromStdin(Readable.from([Buffer.from(' pass word \r\n')])), ' pass word ');
    assert.equal(await readPasswordFromStdin(Readable.from([Buffer.from('a\n\n')])), 'a\n');
  });

  it('refuses empty input and huge input', async () => {
    await assert.rejects(readPasswordFromStdin(Readable.from([Buffer.from('\n')])), /no password/);
    await assert.rejects(readPasswordFromStdin(Readable.from([Buffer.alloc(5000, 97)])), /longer than/);
  });
});
