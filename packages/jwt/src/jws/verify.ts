import { JwtError } from '../errors.js';
import { Key } from '../jwk/key.js';
import { KeySet } from '../jwks/key-set.js';
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
  // Checked before the token is looked at: a falsy or look-alike key must never reach selectKey.
  if (!(keys instanceof Key || keys instanceof KeySet)) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'keys must be a Key or a KeySet');
  }
  const maxLength = opts.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH;
  if (!Number.isInteger(maxLength) || maxLength <= 0) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'maxTokenLength must be a positive integer');
  }
  const { dot1, dot2 } = splitCompact(token, maxLength);
  const header = parseHeader(token.slice(0, dot1), algorithms);
  const key = selectKey(keys, header);
  const payload = decodePayload(token.slice(dot1 + 1, dot2));
  checkSignature(key, token.slice(0, dot2), token.slice(dot2 + 1));
  return { header, payload: new Uint8Array(payload.buffer, payload.byteOffset, payload.length) };
}
