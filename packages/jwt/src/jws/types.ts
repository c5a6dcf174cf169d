import type { Alg } from '../lib/algs.js';

/** A JWS protected header, as verified. */
export interface JwsHeader {
  alg: Alg;
  kid?: string;
  typ?: string;
  cty?: string;
  [parameter: string]: unknown;
}
