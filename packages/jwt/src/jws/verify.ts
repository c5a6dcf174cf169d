import type { Key } from '../jwk/key.js';
import type { KeySet } from '../jwks/key-set.js';
import {
  algorithmSet,
  DEFAULT_MAX_TOKEN_LENGTH,
  decodePayload,
  parseHeader,
  splitCompact,
} from './compact.js';
import { checkSignature, selectKey } from './signature.js';
import type { JwsHeader } from './types.js';

/** Options of verifyJws. */
export interface VerifyJwsOptions {
  /** The allow-list: required, non-empty, exact names. */
  algorithms: string[];
  /** Longer tokens are refused before parsing. Default 8192. */
  maxTokenLength?: number;
}

/**
 * Verifies a compact JWS and returns its protected header and payload bytes.
 * Only compact serialization; no `crit` extensions (so no `b64: false`).
 *
 * @example
 * const { header, payload } = verifyJws(jws, publicKey, { algorithms: ['EdDSA'] });
 * new TextDecoder().decode(payload);
 */
export function verifyJws(
  token: string,
  keys: Key | KeySet,
  opts: VerifyJwsOptions,
): { header: JwsHeader; payload: Uint8Array } {
  const algorithms = algorithmSet(opts?.algorithms);
  const { dot1, dot2 } = splitCompact(token, opts.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH);
  const header = parseHeader(token.slice(0, dot1), algorithms);
  const key = selectKey(keys, header);
  const payload = decodePayload(token.slice(dot1 + 1, dot2));
  checkSignature(key, token.slice(0, dot2), token.slice(dot2 + 1));
  return { header, payload: new Uint8Array(payload.buffer, payload.byteOffset, payload.length) };
}
