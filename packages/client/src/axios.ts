import type { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { TesseraClient } from './client.js';
import { TesseraClientError } from './errors.js';
import { isInvalidToken } from './http.js';

/** What the interceptors remember on a request's config (axios copies unknown keys into a retry). */
type Tagged = InternalAxiosRequestConfig & {
  tesseraToken?: string;
  tesseraRetried?: boolean;
  tesseraNonce?: boolean;
};

const notSignedIn = () => new TesseraClientError('ERR_CLIENT_NOT_SIGNED_IN', 'not signed in');

/**
 * Makes an axios instance call with the client's access token, with the
 * guarantees of `client.fetch`: a fresh token on every request (one refresh
 * for any number of concurrent requests and tabs), and on a 401
 * `invalid_token` one refresh and one retry, never a loop. With DPoP, every
 * request carries a fresh proof, and a `use_dpop_nonce` refusal is retried
 * once with the server's nonce. Signed out, a request rejects with
 * ERR_CLIENT_NOT_SIGNED_IN before it is sent. Returns a function that removes
 * the interceptors.
 *
 * @example
 * import axios from 'axios';
 * import { createClient } from '@tessera/client';
 * import { attachAxios } from '@tessera/client/axios';
 *
 * const client = createClient({ baseUrl: location.origin, mode: 'browser' });
 * const api = axios.create({ baseURL: '/api' });
 * attachAxios(api, client);
 * const { data } = await api.get('/orders');
 */
export function attachAxios(instance: AxiosInstance, client: TesseraClient): () => void {
  const request = instance.interceptors.request.use(async (config: Tagged) => {
    const token = await client.getAccessToken();
    if (token === null) throw notSignedIn();
    const headers = await client.authHeaders(
      token,
      (config.method ?? 'get').toUpperCase(),
      instance.getUri(config),
    );
    for (const name in headers) config.headers.set(name, headers[name]);
    config.tesseraToken = token;
    return config;
  });
  // Keeps the server's DPoP-Nonce; true for a use_dpop_nonce refusal.
  const nonce = (res: AxiosResponse) =>
    client.dpopNonce(instance.getUri(res.config), (name) => res.headers?.[name]);
  const passed = (res: AxiosResponse) => {
    if ((res.config as Tagged).tesseraToken !== undefined) nonce(res);
    return res;
  };
  const response = instance.interceptors.response.use(passed, async (error: AxiosError) => {
    const config = error.config as Tagged | undefined;
    const res = error.response;
    if (config?.tesseraToken === undefined || res === undefined) throw error;
    if (nonce(res) && !config.tesseraNonce) {
      config.tesseraNonce = true;
      // Through the request interceptor again, which signs a new proof with the nonce.
      return instance.request(config);
    }
    if (
      config.tesseraRetried ||
      !isInvalidToken(res.status, res.headers?.['www-authenticate'] as string | undefined)
    ) {
      throw error;
    }
    if ((await client.renew(config.tesseraToken)) === null) throw notSignedIn();
    config.tesseraRetried = true;
    // Through the request interceptor again, which attaches the new token.
    return instance.request(config);
  });
  return () => {
    instance.interceptors.request.eject(request);
    instance.interceptors.response.eject(response);
  };
}
