import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { type Alg, JwtError, type VerifiedDpopProof, verifyDpopProof } from '@tessera/jwt';
import type { Store } from '../store/index.js';
import type { Clock } from './clock.js';

/** The DPoP settings of the configuration (`dpop.*`). */
export interface DpopPolicy {
  /** Require a server nonce in every proof. */
  nonce: boolean;
  /** How old a proof may be, seconds; its `jti` is remembered as long. */
  iatWindowSeconds: number;
  /** The proof algorithms accepted (asymmetric). */
  algorithms: readonly Alg[];
}

/** The request a proof must be for. */
export interface DpopRequest {
  /** The HTTP method, e.g. `'POST'`. */
  method: string;
  /** The request path (a query is ignored): the proof's `htu` must be the issuer's origin and this path. */
  path: string;
  /** The access token sent with the proof (`ath` must be its hash), at a resource. */
  accessToken?: string;
  /** The key the token or session is bound to (`cnf.jkt`): the proof must be signed by it. */
  expectedJkt?: string;
}

/** Why a proof was refused: RFC 9449's two error codes. */
export type DpopErrorCode = 'invalid_dpop_proof' | 'use_dpop_nonce';

/** The outcome of checking the `DPoP` header of a request. */
export type DpopCheck =
  | { status: 'absent' }
  | { status: 'ok'; jkt: string }
  | { status: 'error'; error: DpopErrorCode; description: string };

/** Nonces change every slice; one of the current or the previous slice is accepted. */
const NONCE_SLICE_MS = 5 * 60 * 1000;
/** The clock skew tolerated on a proof's `iat`, seconds. */
const CLOCK_TOLERANCE = 5;
/** Longer proofs are refused before any parsing (an RSA-4096 key fits well below). */
const MAX_PROOF_LENGTH = 4096;
const REPLAY_KIND = 'dpop-proof';

/**
 * DPoP proofs at this server (RFC 9449): checks the `DPoP` header of a token request or of a
 * request to the server's own routes with the jwt package's verifier (typ, allowed asymmetric alg,
 * public jwk only, htm, htu against the issuer's URL, iat window, ath, key binding), remembers
 * each accepted proof's key and `jti` in the store for the window (so a replay is refused on any
 * instance), and hands out nonces. Nonces are stateless: an HMAC of the current five-minute slice
 * under a key derived from the KEK, so every instance of one deployment accepts every other's.
 *
 * @example
 * const dpop = new DpopProofs(store, kek, clock, config.dpop, config.issuer);
 * const check = await dpop.check(request.headers.dpop, { method: 'POST', path: '/oauth/token' });
 * if (check.status === 'ok') issueBoundToken(check.jkt);
 */
export class DpopProofs {
  readonly #key: Buffer;
  readonly #origin: string;

  constructor(
    private readonly store: Store,
    kek: Buffer,
    private readonly clock: Clock,
    readonly policy: DpopPolicy,
    issuer: string,
  ) {
    this.#key = Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'tessera dpop nonce v1', 32));
    this.#origin = issuer.replace(/\/+$/, '');
  }

  /** The algorithms proofs may use (for metadata and challenges). */
  get algorithms(): readonly Alg[] {
    return this.policy.algorithms;
  }

  /** The nonce to hand out now (`DPoP-Nonce`), or undefined when nonces are off. */
  nonce(): string | undefined {
    return this.policy.nonce ? this.#nonceOf(Math.floor(this.clock.now() / NONCE_SLICE_MS)) : undefined;
  }

  /**
   * Checks the `DPoP` header of a request: `absent` when there is none, the key's thumbprint
   * when the proof is good, else the RFC 9449 error (`use_dpop_nonce` when only a fresh nonce is
   * missing). A good proof's `jti` is recorded: the same proof is refused next time.
   */
  async check(header: string | string[] | undefined, request: DpopRequest): Promise<DpopCheck> {
    if (header === undefined) return { status: 'absent' };
    // RFC 9449 §4.3: exactly one DPoP header, one value.
    if (typeof header !== 'string' || header === '') return invalid('send exactly one DPoP proof');
    const now = this.clock.now();
    let proof: VerifiedDpopProof;
    try {
      proof = verifyDpopProof(header, {
        htm: request.method,
        htu: `${this.#origin}${pathOnly(request.path)}`,
        algorithms: [...this.policy.algorithms],
        maxAge: this.policy.iatWindowSeconds,
        clockTolerance: CLOCK_TOLERANCE,
        maxProofLength: MAX_PROOF_LENGTH,
        now: new Date(now),
        ...(request.accessToken === undefined ? {} : { accessToken: request.accessToken }),
        ...(request.expectedJkt === undefined ? {} : { expectedJkt: request.expectedJkt }),
      });
    } catch (err) {
      if (err instanceof JwtError) return invalid(describe(err.code));
      throw err;
    }
    if (this.policy.nonce && !this.#nonceAccepted(proof.payload.nonce, now)) {
      return { status: 'error', error: 'use_dpop_nonce', description: 'a DPoP nonce is required' };
    }
    const fresh = await this.store.tokenIds.add(
      REPLAY_KIND,
      `${proof.jkt}:${proof.jti}`,
      proof.expiresAt + 1,
      now,
    );
    if (!fresh) return invalid('the DPoP proof was used before');
    return { status: 'ok', jkt: proof.jkt };
  }

  #nonceAccepted(value: unknown, now: number): boolean {
    if (typeof value !== 'string' || value.length !== 43) return false;
    const slice = Math.floor(now / NONCE_SLICE_MS);
    const given = Buffer.from(value);
    return [slice, slice - 1].some((s) => timingSafeEqual(given, Buffer.from(this.#nonceOf(s))));
  }

  #nonceOf(slice: number): string {
    return createHmac('sha256', this.#key).update(`dpop-nonce|${slice}`).digest('base64url');
  }
}

function invalid(description: string): DpopCheck {
  return { status: 'error', error: 'invalid_dpop_proof', description };
}

function pathOnly(path: string): string {
  const q = path.search(/[?#]/);
  return q === -1 ? path : path.slice(0, q);
}

/** Fixed descriptions by JwtError code: never an echo of the proof. */
function describe(code: string): string {
  switch (code) {
    case 'ERR_DPOP_HTM_MISMATCH':
      return 'the DPoP proof is for another method';
    case 'ERR_DPOP_HTU_MISMATCH':
      return 'the DPoP proof is for another URL';
    case 'ERR_DPOP_IAT':
      return 'the DPoP proof is too old or from the future';
    case 'ERR_DPOP_ATH_MISMATCH':
      return 'the DPoP proof is for another access token';
    case 'ERR_DPOP_JKT_MISMATCH':
      return 'the DPoP proof is signed by another key than the one the token is bound to';
    default:
      return 'the DPoP proof is invalid';
  }
}
