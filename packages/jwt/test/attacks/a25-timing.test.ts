// A25: timing side channel on the HMAC compare (ServiceStack CVE-2020-28042,
// cookie-signature GHSA-92vm-wfm5-mxvv). The mechanism is asserted exactly
// (equal-length check, then crypto.timingSafeEqual); the statistical test only
// asserts what a noisy shared machine cannot flake on: medians of interleaved
// batches within 2x of each other, the best of up to five measurements. A
// byte-by-byte early-exit compare over 32 bytes would differ far more; scheduler
// noise on a loaded 2-core CI machine must not fail the build. No absolute time
// is asserted.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { describe, it } from 'node:test';
import { createVerifier, signJwt } from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import { claims, NOW, signatureBytes, withSignature } from '../support/forge.js';
import { secret } from '../support/keys.js';

const cryptoCjs = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');

/** Medians further apart than this would point at a data-dependent compare. */
const LEAK_RATIO = 2;

describe('A25: constant-time HMAC comparison', () => {
  const { key } = secret('HS256');
  const token = signJwt(claims(), key, { now: NOW });
  const sig = signatureBytes(token);
  const verifier = createVerifier({ keys: key, algorithms: ['HS256'], now: NOW });

  /** The signature with every byte flipped except the first `keep`. */
  const forged = (keep: number) => {
    const bytes = Buffer.from(sig);
    for (let i = keep; i < bytes.length; i++) bytes[i] = (bytes[i] as number) ^ 0xa5;
    return withSignature(token, bytes);
  };

  it('the HMAC is compared with crypto.timingSafeEqual, on equal lengths only', () => {
    const calls: [number, number][] = [];
    const original = cryptoCjs.timingSafeEqual;
    cryptoCjs.timingSafeEqual = ((a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      calls.push([a.byteLength, b.byteLength]);
      return original(a, b);
    }) as typeof original;
    syncBuiltinESMExports();
    try {
      assert.equal(verifier.verify(token).payload.sub, 'user-1');
      assertRejects(() => verifier.verify(forged(1)), 'ERR_JWS_INVALID_SIGNATURE');
      assertRejects(() => verifier.verify(forged(31)), 'ERR_JWS_INVALID_SIGNATURE');
      assert.ok(calls.length >= 3, 'the HMAC compare must go through crypto.timingSafeEqual');
      const before = calls.length;
      for (const length of [0, 1, 16, 31, 33, 48, 64, 1024]) {
        const bytes = Buffer.alloc(length);
        sig.copy(bytes, 0, 0, Math.min(length, sig.length));
        assertRejects(() => verifier.verify(withSignature(token, bytes)), 'ERR_JWS_INVALID_SIGNATURE');
      }
      assert.equal(calls.length, before, 'wrong lengths are refused before any compare');
      for (const [a, b] of calls) assert.equal(a, b, 'timingSafeEqual only ever sees equal lengths');
    } finally {
      cryptoCjs.timingSafeEqual = original;
      syncBuiltinESMExports();
    }
  });

  it('no early-exit compare exists in the source (no Buffer.equals, Buffer.compare or string ===)', () => {
    const source = readFileSync(new URL('../../src/jwk/key.ts', import.meta.url), 'utf8');
    assert.match(source, /timingSafeEqual\(/);
    for (const file of ['jwk/key.ts', 'jws/signature.ts', 'jws/verify.ts', 'jwt/verify.ts']) {
      const text = readFileSync(new URL(`../../src/${file}`, import.meta.url), 'utf8');
      assert.ok(!/\.equals\(|Buffer\.compare\(|\.compare\(/.test(text), `${file} compares buffers directly`);
      assert.ok(
        !/signature\s*===|===\s*signature|digest\([^)]*\)\s*===/.test(text),
        `${file} compares signatures as strings`,
      );
    }
  });

  it('statistical: ≥10k verifies each; first byte right, all but last right, and all wrong take the same time', () => {
    const variants = { allWrong: forged(0), firstByteRight: forged(1), allButLastRight: forged(31) };
    const names = Object.keys(variants) as (keyof typeof variants)[];
    // Short batches: most of them run without being preempted, so the median reflects the code,
    // not the other processes on a shared machine. 600 × 20 = 12 000 verifies per variant.
    const batch = 20;
    const rounds = 600;
    const run = (t: string) => {
      for (let i = 0; i < batch; i++) {
        try {
          verifier.verify(t);
        } catch {
          // expected: every variant is a bad signature
        }
      }
    };
    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return s[s.length >> 1] as number;
    };
    const measure = () => {
      const times: Record<string, number[]> = { allWrong: [], firstByteRight: [], allButLastRight: [] };
      for (const name of names) for (let i = 0; i < 20; i++) run(variants[name]); // warm-up
      for (let round = 0; round < rounds; round++) {
        // Rotate the order every round so drift and GC pauses spread evenly.
        for (let k = 0; k < names.length; k++) {
          const name = names[(round + k) % names.length] as keyof typeof variants;
          const start = process.hrtime.bigint();
          run(variants[name]);
          (times[name] as number[]).push(Number(process.hrtime.bigint() - start));
        }
      }
      const medians = Object.fromEntries(names.map((n) => [n, median(times[n] as number[])]));
      const all = Object.values(medians);
      return { ratio: Math.max(...all) / Math.min(...all), medians };
    };
    // A noisy neighbour can still spoil one measurement; a real difference would spoil all three.
    const attempts = [measure()];
    while ((attempts.at(-1)?.ratio ?? 0) >= LEAK_RATIO && attempts.length < 5) attempts.push(measure());
    const best = attempts.reduce((a, b) => (b.ratio < a.ratio ? b : a));
    assert.ok(
      best.ratio < LEAK_RATIO,
      `batch medians differ by ${best.ratio.toFixed(2)}x: ${JSON.stringify(attempts)}`,
    );
  });
});
