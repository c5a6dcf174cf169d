import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeEpoch, formatDuration, quote, safeJson, table } from './format.js';

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

  it('pads table columns', () => {
    assert.equal(table(['A', 'BB'], [['long', 'x']]), 'A     BB\nlong  x');
  });
});
