// guard-apollo.ts: Apollo Server; the context function authenticates each operation
// (auth server as for guard-express.ts).
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { type AuthContext, createGuard, GuardError } from '@tessera/guard';
import { GraphQLError } from 'graphql';

const issuer = process.env.TESSERA_ISSUER ?? 'http://127.0.0.1:3000';
const guard = createGuard({
  issuer,
  audience: 'tessera',
  algorithms: ['EdDSA'],
  jwksUri: `${issuer}/.well-known/jwks.json`,
  revocations: { url: `${issuer}/auth/revocations` },
});

interface Context {
  auth: AuthContext;
}

const server = new ApolloServer<Context>({
  typeDefs: 'type Query { me: String! }',
  resolvers: { Query: { me: (_parent: unknown, _args: unknown, { auth }: Context) => auth.subject } },
});

await guard.ready();
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT ?? 8080) },
  context: async ({ req }) => {
    try {
      return { auth: await guard.authenticate(req.headers.authorization) };
    } catch (err) {
      if (!(err instanceof GuardError)) throw err;
      throw new GraphQLError(err.description, {
        extensions: {
          code: err.status === 403 ? 'FORBIDDEN' : 'UNAUTHENTICATED',
          http: { status: err.status, headers: new Map([['www-authenticate', err.wwwAuthenticate]]) },
        },
      });
    }
  },
});
console.log(url);
