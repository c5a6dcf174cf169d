// DPoP (RFC 9449) in a browser: the tokens are bound to a key pair that script can use but never
// read. The client makes it with WebCrypto (private key non-extractable) and keeps the CryptoKeys
// in IndexedDB, so a reload keeps the binding; logout deletes the key.
import { createClient } from '@tessera/client';
import { dpop } from '@tessera/client/dpop';

const client = createClient({ baseUrl: location.origin, mode: 'browser', dpop: dpop() });

// Login and refresh carry a proof; the server binds the session to the key.
if (!(await client.restore())) await client.login('ada@example.com', 'correct horse battery staple');

// `Authorization: DPoP <token>` and a fresh proof for this method and URL, with `ath` and the
// server's nonce. A `use_dpop_nonce` answer is retried once with the new nonce, never more.
const res = await client.fetch('/demo/profile');
console.log(res.status, await res.json());

// The next session gets a new key.
await client.logout();
