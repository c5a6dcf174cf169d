// oauth-dpop.ts: a service gets a DPoP-bound client_credentials token and calls an API with it.
// TESSERA_ISSUER=… CLIENT_ID=… CLIENT_SECRET=… API_URL=http://127.0.0.1:8080 npx tsx oauth-dpop.ts
const issuer = process.env.TESSERA_ISSUER ?? 'http://127.0.0.1:3000';
const clientId = process.env.CLIENT_ID ?? '';
const clientSecret = process.env.CLIENT_SECRET ?? '';
const apiUrl = process.env.API_URL ?? 'http://127.0.0.1:8080';

// #region readme
import { createDpopProof, generateKeyPair } from '@tessera/jwt';

// One key pair for as long as the tokens live; its private half never leaves this process.
const { privateKey } = generateKeyPair('ES256');
let nonce: string | undefined; // the server's DPoP-Nonce, when it asks for one (dpop.nonce)

/** POST /oauth/token with a proof; once more with the server's nonce if it asks for one. */
async function dpopToken(): Promise<{ access_token: string; token_type: string }> {
  for (let attempt = 0; ; attempt++) {
    const htu = `${issuer}/oauth/token`;
    const res = await fetch(htu, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        dpop: createDpopProof(privateKey, { htm: 'POST', htu, ...(nonce ? { nonce } : {}) }),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    nonce = res.headers.get('dpop-nonce') ?? nonce;
    const body = (await res.json()) as { access_token: string; token_type: string; error?: string };
    if (res.ok) return body; // token_type: 'DPoP'; the token's cnf.jkt names this key
    if (body.error !== 'use_dpop_nonce' || attempt > 0) throw new Error(`token: ${body.error}`);
  }
}

const { access_token: token, token_type } = await dpopToken();
// Every call: `Authorization: DPoP <token>` and a fresh proof for this method and URL, carrying
// the token's hash (ath). A captured token (or proof) is useless to anyone else.
const url = `${apiUrl}/whoami`;
const res = await fetch(url, {
  headers: {
    authorization: `DPoP ${token}`,
    dpop: createDpopProof(privateKey, { htm: 'GET', htu: url, accessToken: token }),
  },
});
console.log(token_type, res.status, await res.text()); // DPoP 200 {"subject":"…","dpopJkt":"…"}
// #endregion readme

const stolen = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
console.log('as Bearer', stolen.status); // as Bearer 401
