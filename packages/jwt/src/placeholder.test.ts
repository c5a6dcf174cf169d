import assert from 'node:assert/strict';
import { test } from 'node:test';
import { placeholder } from './index.js';

test('placeholder', () => {
  assert.equal(placeholder, 1);
});
