/**
 * Every code a TesseraClientError can carry, with what it means. `docs/errors.md`
 * lists the same codes; a test checks both directions. Only the type reaches
 * the browser bundle: this table is for tests and tools.
 */
export const CLIENT_ERROR_CODES = {
  ERR_CLIENT_INVALID_OPTIONS:
    "createClient was given a missing or invalid option (a programming error): no baseUrl, an unknown mode, storage in browser mode, localStorage as storage, a `dpop` that is not `dpop()` of '@tessera/client/dpop' (e.g. `dpop: true`).",
  ERR_CLIENT_NOT_SUPPORTED:
    'The environment lacks what the client needs: no global fetch and none was passed, or `dpop()` without WebCrypto (`crypto.subtle`: browsers give it only in secure contexts, React Native needs a polyfill).',
  ERR_CLIENT_NOT_SIGNED_IN:
    'There is no session: never signed in, signed out, or the session ended (the refresh token was refused: expired, revoked, reused). Sign in again.',
  ERR_CLIENT_INVALID_CREDENTIALS: 'Login: wrong email or password (the server answered 401 invalid_grant).',
  ERR_CLIENT_ACCOUNT_BLOCKED: 'Login: the account is blocked (403 access_denied).',
  ERR_CLIENT_INVALID_REQUEST:
    "The server refused the input (400): an invalid email, a password outside 8–1024 bytes. The message is the server's fixed description.",
  ERR_CLIENT_ORIGIN_NOT_ALLOWED:
    "A cookie request was refused (403): this page's origin is not the issuer's nor in the server's allowedOrigins (see docs/client.md).",
  ERR_CLIENT_RATE_LIMITED: 'The server answered 429; `retryAfter` holds its Retry-After in seconds.',
  ERR_CLIENT_SERVER:
    'The server answered 5xx. A refresh is retried with backoff and never signs the user out.',
  ERR_CLIENT_NETWORK:
    'The request did not reach the server or its answer was lost (offline, DNS, CORS, reset). A refresh is retried with backoff and never signs the user out.',
  ERR_CLIENT_DPOP_REFUSED:
    'The server refused the DPoP proof (`invalid_dpop_proof`), or asked for a nonce again (`use_dpop_nonce`) after the one retry with its nonce. At a refresh the session is over instead (ERR_CLIENT_NOT_SIGNED_IN): the key it is bound to no longer signs.',
  ERR_CLIENT_BAD_RESPONSE:
    'The server answered something the client does not understand (an unexpected status or body).',
} as const;

/** A stable code; `switch (err.code)` narrows on it. */
export type ClientErrorCode = keyof typeof CLIENT_ERROR_CODES;
