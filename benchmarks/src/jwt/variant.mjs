// The shape of a benchmark variant (one library configuration), shared by the
// case modules in ./cases, the case runner and the orchestrator.
//
// A case module exports `variants`, an array of:
//   {
//     id: string,            // stable id, used in results and --filter
//     label: string,         // row label in the tables
//     ops: ('sign'|'verify')[],
//     algs: string[],        // subset of ALGS it supports
//     async: boolean,        // true: sign/verify return promises (awaited one at a time)
//     compareTo?: string,    // variant id for the extra ratio column (our library's rows)
//     freshTokenString?: boolean,  // verify: pass a fresh copy of the token string each call,
//                            // made like a server does (slice of an 'Bearer ' + token header)
//     setup(ctx) -> { sign(claims) } | { verify(token), claimsOf?(result) }  (may be async)
//   }
// ctx = { op, alg, keys, issuer, audience, payload }, keys from lib/keys.mjs materialize():
//   { secret (HS256, Buffer), privatePem, publicPem, privateKey, publicKey (KeyObjects) }.
// setup() imports its library lazily, so listing variants never loads a library.
// A variant whose library is not available throws unavailable(reason).

export class VariantUnavailable extends Error {
  constructor(message) {
    super(message);
    this.name = 'VariantUnavailable';
  }
}

export function unavailable(reason) {
  return new VariantUnavailable(reason);
}
