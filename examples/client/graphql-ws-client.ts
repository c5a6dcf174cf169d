// A graphql-ws client that authenticates with the Tessera client's access token, restarts the
// socket with each new token (subscriptions resume) and, after a 4403, renews before reconnecting.
import { createClient } from '@tessera/client';
import { graphqlWsAuth } from '@tessera/client/graphql-ws';
import { createClient as createWsClient } from 'graphql-ws';

const client = createClient({ baseUrl: location.origin, mode: 'browser' });
await client.restore();

const auth = graphqlWsAuth(client);
const ws = createWsClient({ url: `wss://${location.host}/graphql`, ...auth });

const stop = ws.subscribe(
  { query: 'subscription { orders { id } }' },
  { next: (result) => console.log(result.data), error: console.error, complete: () => {} },
);

// Later:
stop();
auth.dispose();
await ws.dispose();
