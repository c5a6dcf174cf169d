// Rejection assertions for attack tests: the thrown value must be a JwtError
// with the expected code, thrown in bounded time, and its message must not
// echo the token or any key material.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';

/**
 * CPU milliseconds this process spent since `start` (a `process.cpuUsage()` reading). Synchronous
 * work is measured in CPU time, not wall time: on a shared, loaded machine the wall clock also
 * counts the time other processes held the core, which is not the cost of the code under test.
 */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

import { JwtError, type JwtErrorCode } from '../../src/index.js';

/** Far above any honest verify; a blowup (quadratic parse, huge key) still shows. */
export const DEFAULT_WITHIN_MS = 2000;

export interface RejectOptions {
  /** The token under test: neither it nor any of its segments may appear in the message. */
  token?: string;
  /** Key material (secret bytes or text, PEM, JWK text) that must not appear in the message. */
  secrets?: readonly (string | Uint8Array)[];
  /** Expected `err.claim`. */
  claim?: string;
  /** Time budget in ms (CPU time for a synchronous call, wall time for a promise). Default DEFAULT_WITHIN_MS. */
  withinMs?: number;
  /** Names the case in a failure. */
  message?: string;
}

/** Asserts that `fn` throws synchronously a JwtError with `code`, and returns it. */
export function assertRejects(fn: () => unknown, code: JwtErrorCode, opts: RejectOptions = {}): JwtError {
  const start = process.cpuUsage();
  let outcome: { threw: true; error: unknown } | { threw: false; value: unknown };
  try {
    outcome = { threw: false, value: fn() };
  } catch (error) {
    outcome = { threw: true, error };
  }
  const elapsed = cpuMsSince(start);
  if (!outcome.threw) {
    const value = outcome.value as { then?: unknown } | null | undefined;
    assert.ok(typeof value?.then !== 'function', 'fn returned a promise: use assertRejectsAsync');
    assert.fail(`expected JwtError ${code}, but the call succeeded`);
  }
  return checkRejection(outcome.error, code, elapsed, opts);
}

/** Asserts that `fn` returns a promise that rejects with a JwtError with `code` (or throws one). */
export async function assertRejectsAsync(
  fn: () => Promise<unknown>,
  code: JwtErrorCode,
  opts: RejectOptions = {},
): Promise<JwtError> {
  const start = performance.now();
  let outcome: { threw: true; error: unknown } | { threw: false };
  try {
    await fn();
    outcome = { threw: false };
  } catch (error) {
    outcome = { threw: true, error };
  }
  const elapsed = performance.now() - start;
  if (!outcome.threw) assert.fail(`expected JwtError ${code}, but the call succeeded`);
  return checkRejection(outcome.error, code, elapsed, opts);
}

function describeThrown(value: unknown): string {
  if (value instanceof Error) return `${value.constructor.name}: ${value.message}`;
  return `a non-Error value (${typeof value})`;
}

function checkRejection(error: unknown, code: JwtErrorCode, elapsed: number, opts: RejectOptions): JwtError {
  const where = opts.message === undefined ? '' : `${opts.message}: `;
  if (!(error instanceof JwtError)) {
    assert.fail(`${where}expected JwtError ${code}, got ${describeThrown(error)}`);
  }
  assert.equal(error.name, 'JwtError');
  assert.equal(error.code, code, `${where}expected ${code}, got ${error.code} (${error.message})`);
  if (opts.claim !== undefined) assert.equal(error.claim, opts.claim, `expected claim ${opts.claim}`);
  assertNoLeak(error.message, opts);
  const limit = opts.withinMs ?? DEFAULT_WITHIN_MS;
  assert.ok(elapsed < limit, `rejection took ${elapsed.toFixed(0)} ms, budget ${limit} ms`);
  return error;
}

/** The message must not carry a token fragment, a PEM block or the given secrets in any usual encoding. */
export function assertNoLeak(message: string, opts: Pick<RejectOptions, 'token' | 'secrets'>): void {
  // Base64url JSON objects start with "eyJ": no error message should ever contain one.
  assert.ok(!message.includes('eyJ'), `error message echoes a token or JSON segment: ${message}`);
  assert.ok(!message.includes('-----BEGIN'), `error message echoes PEM key material: ${message}`);
  if (opts.token !== undefined) {
    assert.ok(!message.includes(opts.token) || opts.token.length < 8, 'error message echoes the token');
    for (const seg of opts.token.split('.')) {
      if (seg.length >= 8) assert.ok(!message.includes(seg), 'error message echoes a token segment');
    }
  }
  for (const material of opts.secrets ?? []) {
    const bytes = typeof material === 'string' ? Buffer.from(material, 'utf8') : Buffer.from(material);
    // Shorter material ("secret", "k") is indistinguishable from ordinary words in a message.
    if (bytes.length < 8) continue;
    for (const form of [bytes.toString('utf8'), bytes.toString('hex'), bytes.toString('base64url')]) {
      assert.ok(!message.includes(form), `error message echoes key material (${message.length} chars)`);
    }
  }
}

/** Runs `fn` and asserts it returns within `withinMs` of CPU time; returns its result. */
export function within<T>(withinMs: number, fn: () => T): T {
  const start = process.cpuUsage();
  const result = fn();
  const elapsed = cpuMsSince(start);
  assert.ok(elapsed < withinMs, `took ${elapsed.toFixed(0)} ms, budget ${withinMs} ms`);
  return result;
}
