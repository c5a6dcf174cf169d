// guard-options.ts: every option of createGuard. npx tsx guard-options.ts
const log = console;
const feedSecret = process.env.TESSERA_REVOCATION_FEED_SECRET ?? 'a-shared-secret-of-at-least-32-characters';

// #region readme
import { createGuard } from '@tessera/guard';

const guard = createGuard({
  issuer: 'http://127.0.0.1:3000', // required; exact match (a list accepts any)
  audience: 'tessera', // required; the token's aud must contain one of these
  algorithms: ['EdDSA'], // required; never 'none'
  jwksUri: 'http://127.0.0.1:3000/.well-known/jwks.json', // or keys: a Key or KeySet (exactly one)
  jwks: { cooldownMs: 30_000 }, // remote key set options (timeout, cooldown, …)
  typ: 'at+jwt', // default; `application/at+jwt` and `AT+JWT` match too
  clockTolerance: '5s', // leeway for exp/nbf/iat, at most 60 s; default 0
  maxTokenAge: '15m', // optional, against iat
  maxTokenLength: 8192, // default; longer tokens get 401 before any parsing
  realm: 'tessera', // default: the first audience
  cookie: 'access_token', // also read the token from this cookie (see below)
  query: 'access_token', // also read it from this query parameter (discouraged)
  cache: true, // default; or false, or { maxEntries: 1000 }
  revocations: {
    url: 'http://127.0.0.1:3000/auth/revocations',
    intervalMs: 5000, // default
    maxBackoffMs: 30_000, // default; the longest wait while the feed is down
    timeoutMs: 5000, // default, per poll
    // failClosedAfterMs: 60_000, // default off; see "Revocation"
    secret: feedSecret, // optional: the server's revocationFeedSecret, sent as a Bearer token
    transport: 'auto', // default: the pushed stream <url>/stream when offered; 'poll': polling only
    streamIdleMs: 45_000, // default; a stream silent this long is dropped and reconnected
    onError: (err) => log.warn(err.message), // each failed poll or dropped stream
  },
  dpop: {
    // DPoP-bound tokens (cnf.jkt) are always checked; these tune it (see "DPoP" below)
    algorithms: ['ES256', 'EdDSA', 'PS256', 'RS256'], // default; proof algorithms, asymmetric only
    iatWindowSeconds: 60, // default; how old a proof may be
    // publicBaseUrl: 'https://api.example.com', // behind a proxy: the URL clients address
    // replayCache: createRedisReplayCache(redis), // default: in memory, maxReplayEntries 100 000
    // required: true, // refuse Bearer tokens
  },
});
// #endregion readme

console.log(guard.status().revocations !== undefined);
await guard.close();
