import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { readTokenArgument, splitTrailingToken, stripNewline } from './read-input.js';

describe('read-input', () => {
  it('strips exactly one trailing newline', () => {
    assert.equal(stripNewline(Buffer.from('s\r\n')).toString(), 's');
    assert.equal(stripNewline(Buffer.from('s\n\n')).toString(), 's\n');
    assert.equal(stripNewline(Buffer.from(' s ')).toString(), ' s ');
  });

  it('takes the token from the argument, or from stdin for "-" or none', async () => {
    const tty = Object.assign(Readable.from([]), { isTTY: true });
    assert.equal(await readTokenArgument('Bearer a.b.c ', tty), 'a.b.c');
    assert.equal(await readTokenArgument('-', Readable.from([Buffer.from('a.b.c\n')])), 'a.b.c');
    assert.equal(await readTokenArgument(undefined, Readable.from([Buffer.from('a.b.c')])), 'a.b.c');
    await assert.rejects(readTokenArgument(undefined, tty), /missing TOKEN/);
    await assert.rejects(readTokenArgument('-', Readable.from([Buffer.from(' \n')])), /empty/);
  });

  it('gives back a token swallowed by a variadic --alg', () => {
    assert.deepEqual(splitTrailingToken(['EdDSA', 'x.y.z'], undefined), [['EdDSA'], 'x.y.z']);
    assert.deepEqual(splitTrailingToken(['EdDSA', 'RS256'], undefined), [['EdDSA', 'RS256'], undefined]);
    assert.deepEqual(splitTrailingToken(['EdDSA'], 'x.y.z'), [['EdDSA'], 'x.y.z']);
  });
});
