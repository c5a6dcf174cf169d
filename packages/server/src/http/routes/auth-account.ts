import type { FastifyInstance } from 'fastify';
import { describePasswordProblem } from '../../service/passwords.js';
import { publicSession } from '../../service/users.js';
import { requireBearer } from '../bearer.js';
import { sendError } from '../errors.js';
import { requestMeta } from '../request-meta.js';
import type { RouteContext } from './context.js';

/** The signed-in user's own account: me, password, sessions, logout everywhere. */
export function authAccountRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { service } = ctx;
  const bearer = requireBearer(service);

  app.get('/auth/me', { preHandler: bearer }, async (request, reply) => {
    const user = await service.users.find(request.principal!.userId);
    if (user === null) return sendError(reply, 401, 'invalid_token', 'the account no longer exists');
    return { id: user.id, email: user.email, roles: user.roles, permissions: user.permissions };
  });

  app.post('/auth/logout-all', { preHandler: bearer }, async (request, reply) => {
    await service.sessions.logoutAll(request.principal!.userId, requestMeta(request));
    ctx.browser.clearRefreshCookie(reply);
    return reply.code(204).header('cache-control', 'no-store').send();
  });

  app.post<{ Body: { current_password: string; new_password: string } }>(
    '/auth/password',
    {
      preHandler: [bearer, ctx.limits.password],
      schema: {
        body: {
          type: 'object',
          required: ['current_password', 'new_password'],
          properties: {
            current_password: { type: 'string', minLength: 1, maxLength: 1024 },
            new_password: { type: 'string', minLength: 1, maxLength: 1024 },
          },
        },
      },
    },
    async (request, reply) => {
      const auth = request.principal!;
      const result = await service.accounts.changePassword(
        auth.userId,
        auth.sessionId,
        request.body.current_password,
        request.body.new_password,
        requestMeta(request),
      );
      switch (result.status) {
        case 'ok':
          return reply.code(204).send();
        case 'wrong-password':
          return sendError(reply, 400, 'invalid_grant', 'the current password is wrong');
        case 'invalid-password':
          return sendError(reply, 400, 'invalid_request', describePasswordProblem(result.problem));
        default:
          return sendError(reply, 401, 'invalid_token', 'the account no longer exists');
      }
    },
  );

  app.get('/auth/sessions', { preHandler: bearer }, async (request) => {
    const sessions = await service.sessions.list(request.principal!.userId);
    return {
      sessions: sessions.map((s) => ({
        ...publicSession(s),
        current: s.id === request.principal!.sessionId,
      })),
    };
  });

  app.delete<{ Params: { id: string } }>(
    '/auth/sessions/:id',
    {
      preHandler: bearer,
      schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } } },
    },
    async (request, reply) => {
      const ok = await service.sessions.revokeOwn(
        request.principal!.userId,
        request.params.id,
        requestMeta(request),
      );
      if (!ok) return sendError(reply, 404, 'not_found', 'no such live session');
      return reply.code(204).send();
    },
  );
}
