// guard-many-instances.ts: a guard in front of an API, following auth servers that run as many
// instances behind one address. npx tsx guard-many-instances.ts
const feedSecret = process.env.TESSERA_REVOCATION_FEED_SECRET ?? 'a-shared-secret-of-at-least-32-characters';
const log = console;

// #region readme
import { createGuard } from '@tessera/guard';

const guard = createGuard({
  issuer: 'https://auth.example.com', // TESSERA_ISSUER: the same on every instance
  audience: 'tessera',
  algorithms: ['EdDSA'],
  // The load balancer's address: any instance serves the same keys and the same feed.
  jwksUri: 'https://auth.example.com/.well-known/jwks.json',
  revocations: {
    url: 'https://auth.example.com/auth/revocations', // its stream is /auth/revocations/stream
    secret: feedSecret, // TESSERA_REVOCATION_FEED_SECRET
    // 'auto' (default): pushed over Server-Sent Events; when the instance behind the stream dies,
    // the guard polls at once from its cursor and reconnects (the balancer picks another one).
    transport: 'auto',
    failClosedAfterMs: 60_000, // optional: refuse sid tokens when no instance answered for a minute
    onError: (err) => log.warn(err.message),
  },
});
// #endregion readme

console.log(guard.status().revocations?.transport);
await guard.close();
