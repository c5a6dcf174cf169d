import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeEpoch, formatDuration, quote, safeJson, safeText, table } from './format.js';

describe('format', () => {
  it('formats durations with at most two units', () => {
    assert.deepEqual([0, 45, 600, 605, 3600, 5400, 86400, 7 * 86400 + 4 * 3600].map(formatDuration), [
      '0s',
      '45s',
      '10m',
      '10m 5s',
      '1h',
      '1h 30m',
      '1d',
      '7d 4h',
    ]);
  });

  it('describes epoch seconds as ISO dates relative to now', () => {
    assert.equal(describeEpoch(1716239022, 1716238422), '2024-05-20T21:03:42.000Z (in 10m)');
    assert.equal(describeEpoch(1716239022, 1716239082), '2024-05-20T21:03:42.000Z (1m ago)');
    assert.equal(describeEpoch(1e20, 0), 'not a valid time');
  });

  it('escapes C0, C1 and bidi controls and stays valid JSON', () => {
    const hostile = { s: 'a\u001b[2Jb\u009bc\u202ed' };
    const text = safeJson(hostile);
    const unsafe = [...text].filter((c) => {
      const code = c.charCodeAt(0);
      return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x202e;
    });
    assert.deepEqual(unsafe, []);
    assert.deepEqual(JSON.parse(text), hostile);
    assert.equal(quote('x'.repeat(100), 3), '"xxx…"');
  });

  it('escapes zero-width, bidi and astral format characters in JSON too', () => {
    const hostile = { s: 'a\u200bb\u2066c\ufeffd\u{e0001}e\u2028f\u061c' };
    const text = safeJson(hostile);
    assert.equal(text, '{"s":"a\\u200bb\\u2066c\\ufeffd\\udb40\\udc01e\\u2028f\\u061c"}');
    assert.deepEqual(JSON.parse(text), hostile);
  });

  it('safeText shows every control, bidi and zero-width character as \\u{…}', () => {
    assert.equal(
      safeText('a\u001b[2Jb\u0000c\u009bd\u202ee\u200bf\tg'),
      'a\\u{1b}[2Jb\\u{0}c\\u{9b}d\\u{202e}e\\u{200b}f\\u{9}g',
    );
    assert.equal(safeText('ada@example.com, иван@пример.рф'), 'ada@example.com, иван@пример.рф');
  });

  it('pads table columns, and escapes every cell', () => {
    assert.equal(table(['A', 'BB'], [['long', 'x']]), 'A     BB\nlong  x');
    assert.equal(table(['A'], [['x\u001b[8my']]), 'A\nx\\u{1b}[8my');
  });
});
