// Token mode in Node (a script, a service, a CLI): both tokens in memory; pass `storage` to keep
// the refresh token across restarts. Timers are unref'd: the client never holds the process open.
import { createClient } from '@tessera/client';

const client = createClient({ baseUrl: 'http://127.0.0.1:3000', mode: 'token' });
await client.login('ada@example.com', 'correct horse battery staple');

const me = await client.fetch('http://127.0.0.1:3000/auth/me');
console.log(await me.json());

// 20 calls at once after the token expired still make one refresh.
await Promise.all(Array.from({ length: 20 }, () => client.fetch('http://127.0.0.1:3000/demo/profile')));

await client.logoutEverywhere();
