import { readFileSync } from 'node:fs';
import type { Jwk } from '../../src/index.js';

/** Reads one of the copied conformance vector files (test/vectors/*.json). */
export function loadVectors<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`../vectors/${file}`, import.meta.url), 'utf8')) as T;
}

export interface JwsJson {
  payload: string;
  protected?: string;
  header?: Record<string, unknown>;
  signature?: string;
  signatures?: { protected?: string; header?: Record<string, unknown>; signature: string }[];
}

export interface Rfc7515Vector {
  id: string;
  alg?: string;
  protected_header_json?: string;
  payload_json?: string;
  payload_text?: string;
  key?: Jwk | string;
  keys?: Record<string, string>;
  compact?: string;
  json?: JwsJson;
  expect: string;
  deterministic?: boolean;
}

export interface Rfc7515File {
  vectors: Rfc7515Vector[];
}

export interface Rfc7519File {
  vectors: {
    id: string;
    alg: string;
    jose_header_json?: string;
    claims_json?: string;
    claims?: Record<string, unknown>;
    key?: Jwk;
    compact: string;
    expect: string;
  }[];
}

export interface Rfc7520File {
  payload_text: string;
  payload_b64u: string;
  keys: Record<string, Jwk>;
  vectors: {
    id: string;
    alg?: string;
    key?: string;
    keys?: string[];
    deterministic?: boolean;
    compact?: string;
    compact_detached?: string;
    detached_payload_b64u?: string;
    flattened?: JwsJson;
    general?: JwsJson;
  }[];
}

export interface Rfc7638File {
  jwk: Jwk;
  required_members_in_lexicographic_order: string[];
  sha256_bytes: number[];
  thumbprint_b64u: string;
  other_known_answers: Record<string, string>;
}

export interface Rfc7797File {
  key: Jwk;
  vectors: {
    id: string;
    protected_header_json: string;
    payload_text?: string;
    compact?: string;
    compact_detached?: string;
    detached_payload?: string;
    compact_attached_nonstandard?: string;
    flattened?: JwsJson;
    expect: string;
  }[];
}

export interface Rfc8037File {
  'A.1_private_key': Jwk;
  'A.2_public_key': Jwk;
  'A.3_thumbprint': { canonical_input: string; sha256_hex: string; thumbprint_b64u: string };
  'A.4_A.5_signature': {
    protected_header_json: string;
    payload_text: string;
    signing_input: string;
    compact: string;
    deterministic: boolean;
  };
}
