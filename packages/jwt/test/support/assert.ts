import assert from 'node:assert/strict';
import { JwtError, type JwtErrorCode } from '../../src/index.js';

/** Runs `fn`, asserts it throws a JwtError with `code`, and returns the error. */
export function throwsCode(fn: () => unknown, code: JwtErrorCode, message?: string): JwtError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof JwtError, message ?? `expected a JwtError ${code}, got ${describe(caught)}`);
  assert.equal(caught.code, code, message);
  return caught;
}

/** Awaits `promise`, asserts it rejects with a JwtError with `code`, and returns the error. */
export async function rejectsCode(
  promise: Promise<unknown>,
  code: JwtErrorCode,
  message?: string,
): Promise<JwtError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof JwtError, message ?? `expected a JwtError ${code}, got ${describe(caught)}`);
  assert.equal(caught.code, code, message);
  return caught;
}

function describe(value: unknown): string {
  if (value === undefined) return 'no error';
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return String(value);
}
