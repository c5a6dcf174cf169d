// Correctness checks run before timing: a case that fails them is reported as
// FAILED and not timed.
//   sign:   the token has 3 segments, header exactly {alg, typ:'JWT'}, the same
//           claim set as the payload, and a signature raw node:crypto accepts.
//   verify: the reference token is accepted with the right claims; tampered,
//           wrongly issued/addressed, expired, not-yet-valid, alg 'none',
//           wrong-alg and malformed tokens are all rejected.
import { isDeepStrictEqual } from 'node:util';
import { decodeJwt, rawVerifySignature } from '../lib/jws-raw.mjs';

/** The variant broke its declared sync/async contract: a check failure, not a rejection. */
class ContractError extends Error {}

function isThenable(v) {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function';
}

/** Call fn(arg); a sync variant must not return a promise, an async one must. */
async function call(fn, arg, variant) {
  let r;
  try {
    r = fn(arg);
  } catch (err) {
    if (variant.async) throw new ContractError(`async variant threw synchronously: ${err?.message ?? err}`);
    throw err;
  }
  if (isThenable(r) !== variant.async) {
    if (isThenable(r)) r.catch(() => {});
    throw new ContractError(
      `${variant.async ? 'async' : 'sync'} variant returned ${isThenable(r) ? 'a promise' : 'a plain value'}`,
    );
  }
  return variant.async ? await r : r;
}

function checkClaims(actual, expected, what) {
  const a = Object.keys(actual ?? {}).sort();
  const e = Object.keys(expected).sort();
  if (!isDeepStrictEqual(a, e)) throw new Error(`${what}: claim names ${a.join(',')} != ${e.join(',')}`);
  for (const k of e) {
    if (k === 'iat') {
      if (!Number.isInteger(actual.iat)) throw new Error(`${what}: iat is not an integer`);
    } else if (!isDeepStrictEqual(actual[k], expected[k])) {
      throw new Error(
        `${what}: claim ${k} = ${JSON.stringify(actual[k])}, expected ${JSON.stringify(expected[k])}`,
      );
    }
  }
}

export async function checkSigner(sign, { variant, ctx }) {
  if (typeof sign !== 'function') throw new Error('setup returned no sign function');
  for (let i = 0; i < 3; i++) {
    const token = await call(sign, { ...ctx.payload }, variant);
    if (typeof token !== 'string') throw new Error(`sign returned ${typeof token}, not a string`);
    const { header, payload } = decodeJwt(token);
    if (!isDeepStrictEqual(header, { alg: ctx.alg, typ: 'JWT' })) {
      throw new Error(`header is ${JSON.stringify(header)}, expected {"alg":"${ctx.alg}","typ":"JWT"}`);
    }
    checkClaims(payload, ctx.payload, 'signed token');
    if (!rawVerifySignature(ctx.alg, ctx.keys.publicKey, token)) {
      throw new Error('node:crypto rejects the signature of the signed token');
    }
  }
}

async function expectReject(verify, token, variant, kind) {
  let result;
  try {
    result = await call(verify, token, variant);
  } catch (err) {
    if (err instanceof ContractError) throw err;
    return;
  }
  throw new Error(
    `accepted a token that must be rejected (${kind}): ${JSON.stringify(result)?.slice(0, 120)}`,
  );
}

export async function checkVerifier(verify, claimsOf, { variant, ctx, tokens }) {
  if (typeof verify !== 'function') throw new Error('setup returned no verify function');
  // Rejections first and again after a successful verify (a cache must not change them).
  for (const [kind, token] of Object.entries(tokens.reject)) await expectReject(verify, token, variant, kind);
  for (let i = 0; i < 3; i++) {
    const r = await call(verify, tokens.valid, variant);
    checkClaims(claimsOf(r), ctx.payload, 'verified claims');
    if (claimsOf(r).iat !== ctx.payload.iat) throw new Error('verified iat differs from the token');
  }
  // The same token as a different string object (as sliced from a request header).
  checkClaims(
    claimsOf(await call(verify, ('Bearer ' + tokens.valid).slice(7), variant)),
    ctx.payload,
    'copy',
  );
  for (const [kind, token] of Object.entries(tokens.reject)) await expectReject(verify, token, variant, kind);
}
