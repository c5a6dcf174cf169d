import type { FastifyInstance } from 'fastify';
import { requireBearer, requireRole } from '../bearer.js';
import type { RouteContext } from './context.js';

/**
 * Demo routes that show authorization at work: any valid token reads its
 * profile; only role `admin` may "delete" a user (nothing is deleted).
 */
export function demoRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const bearer = requireBearer(ctx.service);

  app.get('/demo/profile', { preHandler: bearer }, async (request) => {
    const auth = request.principal!;
    return { sub: auth.userId, sid: auth.sessionId, roles: auth.roles, permissions: auth.permissions };
  });

  app.delete<{ Params: { id: string } }>(
    '/demo/users/:id',
    {
      preHandler: [bearer, requireRole('admin')],
      schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } } },
    },
    async (_request, reply) => reply.code(204).send(),
  );
}
