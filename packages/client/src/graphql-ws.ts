import type { ClientOptions as GraphqlWsClientOptions } from 'graphql-ws';
import type { TesseraClient } from './client.js';
import { TesseraClientError } from './errors.js';

/** The graphql-ws client options graphqlWsAuth fills in; spread them into `createClient` of graphql-ws. */
export type GraphqlWsAuthOptions = Required<
  Pick<GraphqlWsClientOptions, 'connectionParams' | 'retryWait' | 'on'>
> & {
  /** Stops following the client's refreshes (call it when the graphql-ws client is disposed). */
  dispose(): void;
};

/** A socket as graphql-ws hands it to `on.connected`. */
interface Socket {
  readonly readyState: number;
  close(code: number, reason: string): void;
}

const OPEN = 1;
/** graphql-ws retries a close with this code (it is not one of its fatal codes). */
const RESTART = 4205;

/**
 * Authenticates a graphql-ws client with the Tessera client's access token and
 * keeps it fresh: whenever the client refreshes, the socket is restarted at
 * once with the new token (subscriptions resume), so a server guard
 * (`@tessera/guard/graphql-ws`) never has to close it for expiry. When the
 * server closes with 4403 (token revoked), the reconnect first renews the
 * token; if the session itself is over, connecting fails with
 * ERR_CLIENT_NOT_SIGNED_IN and graphql-ws gives up.
 *
 * @example
 * import { createClient as createWsClient } from 'graphql-ws';
 * import { graphqlWsAuth } from '@tessera/client/graphql-ws';
 *
 * const auth = graphqlWsAuth(client);
 * const ws = createWsClient({ url: 'wss://api.example.com/graphql', ...auth });
 */
export function graphqlWsAuth(client: TesseraClient): GraphqlWsAuthOptions {
  let socket: Socket | undefined;
  let sent: string | undefined;
  let stale: string | undefined;
  let restarting = false;
  const restart = () => {
    if (socket?.readyState === OPEN) {
      restarting = true;
      socket.close(RESTART, 'token refreshed');
    }
  };
  const unsubscribe = client.subscribe((event) => {
    if (event === 'refreshed') restart();
  });
  return {
    async connectionParams() {
      let token = await client.getAccessToken();
      // The server refused this very token (revoked): renew it before trying again.
      if (token !== null && token === stale) token = await client.renew(token);
      stale = undefined;
      if (token === null) throw new TesseraClientError('ERR_CLIENT_NOT_SIGNED_IN', 'not signed in');
      sent = token;
      const headers = await client.authHeaders(token, 'GET', '');
      return { authorization: headers.authorization };
    },
    async retryWait(retries) {
      if (restarting) {
        restarting = false;
        return;
      }
      // graphql-ws's own wait: exponential, with 0.3–3 s of randomness.
      await new Promise((resolve) => setTimeout(resolve, 2 ** retries * 1000 + 300 + Math.random() * 2700));
    },
    on: {
      connected: (s) => {
        socket = s as Socket;
      },
      closed: (event) => {
        socket = undefined;
        if ((event as { code?: number }).code === 4403) stale = sent;
      },
    },
    dispose: unsubscribe,
  };
}
