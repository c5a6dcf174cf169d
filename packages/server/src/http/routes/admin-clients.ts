import type { FastifyInstance } from 'fastify';
import {
  CLIENT_AUTH_METHODS,
  CLIENT_GRANT_TYPES,
  describeClientProblem,
  publicClient,
} from '../../service/index.js';
import { requireBearer, requireRole } from '../bearer.js';
import { sendError } from '../errors.js';
import { requestMeta } from '../request-meta.js';
import type { RouteContext } from './context.js';

const clientId = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } } as const;

interface NewClientBody {
  name: string;
  scopes?: string[];
  grant_types?: string[];
  token_endpoint_auth_method?: string;
  jwks?: unknown;
}

const newClientBody = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 64 },
    scopes: { type: 'array', maxItems: 64, items: { type: 'string', minLength: 1, maxLength: 128 } },
    grant_types: { type: 'array', minItems: 1, maxItems: 2, items: { enum: [...CLIENT_GRANT_TYPES] } },
    token_endpoint_auth_method: { enum: [...CLIENT_AUTH_METHODS] },
    jwks: { type: 'object', required: ['keys'], properties: { keys: { type: 'array', maxItems: 20 } } },
    // Secrets are generated, never chosen: refused rather than silently dropped.
    client_secret: { not: {} },
  },
} as const;

/**
 * Admin routes for OAuth clients (role `admin`): list, register (the secret is in the 201
 * answer and nowhere else), rotate a secret, remove. Each change is audited by the service.
 *
 * @example
 * adminClientRoutes(app, ctx); // in buildApp, beside adminRoutes
 */
export function adminClientRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { service } = ctx;
  const admin = [requireBearer(service), requireRole('admin')];
  const actorOf = (request: Parameters<typeof requestMeta>[0]) => ({
    userId: request.principal!.userId,
    meta: requestMeta(request),
  });

  app.get('/admin/clients', { preHandler: admin }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { clients: (await service.clients.list()).map(publicClient) };
  });

  app.post<{ Body: NewClientBody }>(
    '/admin/clients',
    { preHandler: admin, schema: { body: newClientBody } },
    async (request, reply) => {
      const body = request.body;
      const result = await service.clients.add(
        {
          name: body.name,
          ...(body.scopes === undefined ? {} : { scopes: body.scopes }),
          ...(body.grant_types === undefined ? {} : { grantTypes: body.grant_types }),
          ...(body.token_endpoint_auth_method === undefined
            ? {}
            : { authMethod: body.token_endpoint_auth_method }),
          ...(body.jwks === undefined ? {} : { jwks: body.jwks }),
        },
        actorOf(request),
      );
      if (result.status === 'invalid') {
        return sendError(reply, 400, 'invalid_request', describeClientProblem(result.problem));
      }
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({
          ...publicClient(result.client),
          ...(result.secret === null ? {} : { client_secret: result.secret }),
        });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/clients/:id/rotate-secret',
    { preHandler: admin, schema: { params: clientId } },
    async (request, reply) => {
      const result = await service.clients.rotateSecret(request.params.id, actorOf(request));
      switch (result.status) {
        case 'not-found':
          return sendError(reply, 404, 'not_found', 'no such client');
        case 'no-secret':
          return sendError(reply, 400, 'invalid_request', 'this client authenticates with private_key_jwt');
        default:
          return reply
            .header('cache-control', 'no-store')
            .send({ client_id: result.client.id, client_secret: result.secret });
      }
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/admin/clients/:id',
    { preHandler: admin, schema: { params: clientId } },
    async (request, reply) => {
      if (!(await service.clients.remove(request.params.id, actorOf(request)))) {
        return sendError(reply, 404, 'not_found', 'no such client');
      }
      return reply.code(204).send();
    },
  );
}
