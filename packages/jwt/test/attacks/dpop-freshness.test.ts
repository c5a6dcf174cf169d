// DPoP freshness (docs/security.md P6–P8): a proof is good for one request
// within a short window; a replayed jti, a stale or future iat, or a missing
// server nonce is refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDpopReplay, createMemoryReplayCache, verifyDpopProof } from '../../src/index.js';
import { assertRejects } from '../support/assert.js';
import { forgedProof, honestProof, proofClaims, VERIFY } from '../support/dpop.js';
import { NOW, NOW_S } from '../support/forge.js';

describe('P6: a replayed proof', () => {
  it('the second use of a proof is refused', () => {
    const cache = createMemoryReplayCache({ now: () => NOW.getTime() });
    const proof = honestProof();
    checkDpopReplay(cache, verifyDpopProof(proof, VERIFY));
    assertRejects(() => checkDpopReplay(cache, verifyDpopProof(proof, VERIFY)), 'ERR_DPOP_REPLAY');
  });

  it('a new proof with a used jti is refused too', () => {
    const cache = createMemoryReplayCache({ now: () => NOW.getTime() });
    checkDpopReplay(cache, verifyDpopProof(honestProof({ jti: 'j-1' }), VERIFY));
    const again = honestProof({ jti: 'j-1', now: new Date(NOW.getTime() + 1000) });
    assertRejects(() => checkDpopReplay(cache, verifyDpopProof(again, VERIFY)), 'ERR_DPOP_REPLAY');
  });

  it('the cache remembers a proof for exactly as long as the iat window accepts it: there is no gap', () => {
    let clock = NOW.getTime();
    const cache = createMemoryReplayCache({ now: () => clock });
    const proof = honestProof();
    const verified = verifyDpopProof(proof, VERIFY);
    checkDpopReplay(cache, verified);
    // The last instant the window accepts the proof: the cache still refuses it.
    clock = verified.expiresAt;
    const late = verifyDpopProof(proof, { ...VERIFY, now: new Date(clock) });
    assertRejects(() => checkDpopReplay(cache, late), 'ERR_DPOP_REPLAY');
    // One millisecond later the cache may forget it, because the window refuses it.
    clock = verified.expiresAt + 1;
    assertRejects(() => verifyDpopProof(proof, { ...VERIFY, now: new Date(clock) }), 'ERR_DPOP_IAT');
  });

  it("a flood of the attacker's own proofs cannot push a captured proof out of a full cache", () => {
    const cache = createMemoryReplayCache({ maxEntries: 3, now: () => NOW.getTime() });
    const captured = honestProof({ jti: 'victim' });
    checkDpopReplay(cache, verifyDpopProof(captured, VERIFY));
    for (let i = 0; i < 10; i++) {
      const flood = { ...verifyDpopProof(honestProof({ jti: `flood-${i}` }), VERIFY), jkt: 'attacker-key' };
      try {
        checkDpopReplay(cache, flood);
      } catch {
        // Refused once the cache is full: that is the point.
      }
    }
    assertRejects(() => checkDpopReplay(cache, verifyDpopProof(captured, VERIFY)), 'ERR_DPOP_REPLAY');
  });
});

describe('P7: a stale or future iat', () => {
  for (const [label, iat] of [
    ['66 s old (60 s plus 5 s of skew, and one more)', NOW_S - 66],
    ['a day old', NOW_S - 86_400],
    ['6 s in the future', NOW_S + 6],
    ['a year in the future', NOW_S + 365 * 86_400],
    ['zero', 0],
    ['negative', -1],
  ] as const) {
    it(`${label} is refused`, () => {
      assertRejects(
        () => verifyDpopProof(forgedProof({ payload: proofClaims({ iat }) }), VERIFY),
        'ERR_DPOP_IAT',
      );
    });
  }

  for (const [label, iat] of [
    ['a string', String(NOW_S)],
    ['missing', undefined],
    ['null', null],
    ['true', true],
  ] as const) {
    it(`iat as ${label} is refused`, () => {
      assertRejects(
        () => verifyDpopProof(forgedProof({ payload: proofClaims({ iat }) }), VERIFY),
        'ERR_DPOP_INVALID',
      );
    });
  }

  it('iat 1e400 (Infinity after JSON.parse) is refused', () => {
    const text = JSON.stringify(proofClaims({ iat: 0 })).replace('"iat":0', '"iat":1e400');
    assertRejects(() => verifyDpopProof(forgedProof({ payload: text }), VERIFY), 'ERR_DPOP_INVALID');
  });

  it('the edges pass: 65 s old and 5 s ahead (control)', () => {
    for (const iat of [NOW_S - 65, NOW_S + 5]) {
      assert.equal(verifyDpopProof(forgedProof({ payload: proofClaims({ iat }) }), VERIFY).iat, iat);
    }
  });
});

describe('P8: the server nonce', () => {
  it('a proof without the nonce the server asked for is refused', () => {
    assertRejects(() => verifyDpopProof(honestProof(), { ...VERIFY, nonce: 'n-2' }), 'ERR_DPOP_NONCE');
    const stale = forgedProof({ payload: proofClaims({ nonce: 'n-1' }) });
    assertRejects(() => verifyDpopProof(stale, { ...VERIFY, nonce: 'n-2' }), 'ERR_DPOP_NONCE');
    const right = forgedProof({ payload: proofClaims({ nonce: 'n-2' }) });
    assert.equal(verifyDpopProof(right, { ...VERIFY, nonce: 'n-2' }).payload.nonce, 'n-2');
  });
});
