// The server side: @tessera/guard/graphql-ws authenticates connectionParams, closes with 4401
// when the token expires and with 4403 when the revocation feed revokes the session.
import { createGuard } from '@tessera/guard';
import { graphqlWsGuard } from '@tessera/guard/graphql-ws';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

const guard = createGuard({
  issuer: 'http://127.0.0.1:3000',
  audience: 'tessera',
  algorithms: ['EdDSA'],
  jwksUri: 'http://127.0.0.1:3000/.well-known/jwks.json',
  revocations: { url: 'http://127.0.0.1:3000/auth/revocations' },
});
await guard.ready();

const schema = buildSchema('type Query { me: String }');
const wsGuard = graphqlWsGuard(guard);
const wss = new WebSocketServer({ port: 4000, path: '/graphql' });
useServer(
  {
    schema,
    ...wsGuard,
    context: (ctx) => ({ auth: wsGuard.auth(ctx) }),
    roots: { query: { me: (_args: unknown, ctx: { auth?: { subject: string } }) => ctx.auth?.subject } },
  },
  wss,
);
