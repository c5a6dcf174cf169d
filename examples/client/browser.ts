// Browser mode: the access token only in memory, the refresh token only in the server's
// HttpOnly cookie. Same origin as the auth server (or behind a proxy that makes it so).
import { createClient, TesseraClientError } from '@tessera/client';

const client = createClient({ baseUrl: location.origin, mode: 'browser' });

// Every sign-in, sign-out (in any tab) and refresh.
client.subscribe((event) => {
  document.body.dataset.session = event;
});

// On page load: resume through the cookie. "Not signed in" is false, not an error.
if (!(await client.restore())) {
  try {
    await client.login('ada@example.com', 'correct horse battery staple');
  } catch (err) {
    if (!(err instanceof TesseraClientError)) throw err;
    if (err.code === 'ERR_CLIENT_INVALID_CREDENTIALS') console.log('wrong email or password');
    else if (err.code === 'ERR_CLIENT_RATE_LIMITED') console.log(`try again in ${err.retryAfter} s`);
    else throw err;
  }
}

// Bearer attached; one refresh and one retry on a 401 invalid_token.
const res = await client.fetch('/demo/profile');
console.log(res.status, await res.json());

// This session, in every tab.
await client.logout();
