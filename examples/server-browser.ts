// server-browser.ts: the browser flow (refresh token in an HttpOnly cookie). The region below is what a
// page served by the auth server runs; above it, what a browser adds, so that CI runs it under Node.
const origin = process.env.TESSERA_ISSUER ?? 'http://127.0.0.1:3000'; // the page's origin: the auth server
const email = process.env.EMAIL ?? 'ada@example.com';
const password = process.env.PASSWORD ?? 'correct horse battery';
let cookie = ''; // the browser's cookie jar, for this one cookie
const nodeFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const headers = new Headers(init?.headers);
  headers.set('origin', origin);
  if (cookie !== '' && init?.credentials === 'include') headers.set('cookie', cookie);
  const res = await nodeFetch(new URL(String(input), origin), { ...init, headers });
  const set = res.headers.get('set-cookie');
  if (set !== null) cookie = set.split(';')[0] ?? '';
  return res;
};

// #region readme
// in the browser
const login = await fetch('/auth/login', {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-tessera-client': 'browser' },
  body: JSON.stringify({ email, password }),
  credentials: 'include',
});
type Tokens = { access_token: string };
let { access_token } = (await login.json()) as Tokens;

// later, when the access token expires
const refreshed = await fetch('/auth/refresh', { method: 'POST', credentials: 'include' });
access_token = ((await refreshed.json()) as Tokens).access_token;
// #endregion readme

console.log(login.status, refreshed.status, typeof access_token);
