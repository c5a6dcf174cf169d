// Runs one benchmark case (variant × alg × op) in this process: set up, check
// the output is correct, then time it. Invoked by run.mjs as
//   node case.mjs '<json spec>'
// spec = { variant, op, alg, keySetPath, outPath, harness: { rounds, roundMs, warmupMs, batchMs } }
// Writes { status: 'ok' | 'failed' | 'unavailable', ... } as JSON to outPath.
import { writeFileSync } from 'node:fs';
import { measure } from '../lib/harness.mjs';
import { AUDIENCE, ISSUER, loadKeySet } from '../lib/keys.mjs';
import { findVariant } from './cases/index.mjs';
import { checkSigner, checkVerifier } from './checks.mjs';
import { VariantUnavailable } from './variant.mjs';

const spec = JSON.parse(process.argv[2] ?? '{}');

function write(result) {
  writeFileSync(
    spec.outPath,
    JSON.stringify({ variant: spec.variant, op: spec.op, alg: spec.alg, ...result }),
  );
}

async function main() {
  const variant = findVariant(spec.variant);
  const { keys, payload, tokens } = loadKeySet(spec.keySetPath);
  const ctx = {
    op: spec.op,
    alg: spec.alg,
    keys: keys[spec.alg],
    issuer: ISSUER,
    audience: AUDIENCE,
    payload,
  };

  let impl;
  try {
    impl = await variant.setup(ctx);
  } catch (err) {
    if (err instanceof VariantUnavailable) return write({ status: 'unavailable', reason: err.message });
    return write({ status: 'failed', stage: 'setup', error: String(err?.stack ?? err) });
  }

  let fn;
  try {
    if (spec.op === 'sign') {
      const sign = impl.sign;
      await checkSigner(sign, { variant, ctx });
      // A fresh copy of the payload on every call.
      fn = () => sign({ ...payload });
    } else {
      const verify = impl.verify;
      const token = tokens[spec.alg].valid;
      await checkVerifier(verify, impl.claimsOf ?? ((r) => r), { variant, ctx, tokens: tokens[spec.alg] });
      // A fresh string each call, as a server slices it out of the Authorization
      // header: a cache keyed by the token string must hash and compare it
      // instead of hitting V8's per-string hash cache and pointer equality.
      fn = variant.freshTokenString ? () => verify(('Bearer ' + token).slice(7)) : () => verify(token);
    }
  } catch (err) {
    return write({ status: 'failed', stage: 'check', error: String(err?.message ?? err) });
  }

  const m = await measure(fn, { async: variant.async, ...spec.harness });
  write({ status: 'ok', ...m });
}

main().catch((err) => {
  write({ status: 'failed', stage: 'run', error: String(err?.stack ?? err) });
});
