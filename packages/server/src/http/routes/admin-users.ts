import type { FastifyInstance, FastifyReply } from 'fastify';
import { publicUser } from '../../service/accounts.js';
import type { Actor } from '../../service/audit.js';
import { publicUserDetails } from '../../service/users.js';
import type { User } from '../../store/index.js';
import { sendError } from '../errors.js';
import { digits, queryInteger } from '../query.js';
import { requestMeta } from '../request-meta.js';
import { closedObject, nameList, userIdParams } from '../schemas.js';
import type { RouteContext, RouteHook } from './context.js';

const password = { type: 'string', minLength: 1, maxLength: 1024 } as const;

const noSuchUser = (reply: FastifyReply) => sendError(reply, 404, 'not_found', 'no such user');
const lastAdmin = (reply: FastifyReply) =>
  sendError(
    reply,
    409,
    'conflict',
    'this is the last unblocked admin: give another user the admin role first',
  );
const badPassword = (reply: FastifyReply) =>
  sendError(reply, 400, 'invalid_request', 'password must be 8 to 1024 bytes long');

/** The `/admin/users` routes; `admin` is the preHandler chain that requires role admin. */
export function adminUserRoutes(app: FastifyInstance, ctx: RouteContext, admin: RouteHook[]): void {
  const { service } = ctx;
  const actorOf = (request: Parameters<RouteHook>[0]): Actor => ({
    userId: request.principal!.userId,
    meta: requestMeta(request),
  });

  app.get<{ Querystring: { limit?: string; after?: string; q?: string } }>(
    '/admin/users',
    {
      preHandler: admin,
      schema: {
        querystring: {
          type: 'object',
          properties: {
            limit: digits,
            after: { type: 'string', maxLength: 254 },
            q: { type: 'string', maxLength: 254 },
          },
        },
      },
    },
    async (request) => {
      const limit = queryInteger(request.query.limit, { min: 1, max: 500 }) ?? 100;
      // `q`: the accounts whose email starts with it (or whose id it is), one page.
      if (request.query.q !== undefined && request.query.q.trim() !== '') {
        const users = await service.users.search(request.query.q, limit);
        return { users: users.map(publicUser), next: null };
      }
      const users = await service.users.list({
        limit,
        ...(request.query.after === undefined ? {} : { after: request.query.after }),
      });
      return {
        users: users.map(publicUser),
        next: users.length === limit ? (users.at(-1)?.email ?? null) : null,
      };
    },
  );

  app.post<{ Body: { email: string; password: string; roles?: string[]; permissions?: string[] } }>(
    '/admin/users',
    {
      preHandler: admin,
      schema: {
        body: closedObject(
          {
            email: { type: 'string', minLength: 3, maxLength: 254 },
            password,
            roles: nameList,
            permissions: nameList,
          },
          ['email', 'password'],
        ),
      },
    },
    async (request, reply) => {
      const { email, roles, permissions } = request.body;
      const result = await service.accounts.register(email, request.body.password, {
        ...(roles === undefined ? {} : { roles }),
        ...(permissions === undefined ? {} : { permissions }),
        meta: requestMeta(request),
        by: request.principal!.userId,
      });
      switch (result.status) {
        case 'created':
          return reply.code(201).send(publicUser(result.user));
        case 'duplicate-email':
          return sendError(reply, 409, 'conflict', 'a user with this email already exists');
        case 'invalid-email':
          return sendError(reply, 400, 'invalid_request', 'email is not a valid address');
        default:
          return badPassword(reply);
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    '/admin/users/:id',
    { preHandler: admin, schema: { params: userIdParams } },
    async (request, reply) => {
      const details = await service.users.details(request.params.id);
      if (details === null) return noSuchUser(reply);
      return publicUserDetails(details);
    },
  );

  app.patch<{
    Params: { id: string };
    Body: { roles?: string[]; permissions?: string[]; blocked?: boolean };
  }>(
    '/admin/users/:id',
    {
      preHandler: admin,
      schema: {
        params: userIdParams,
        body: {
          ...closedObject({ roles: nameList, permissions: nameList, blocked: { type: 'boolean' } }),
          minProperties: 1,
        },
      },
    },
    async (request, reply) => {
      const { roles, permissions, blocked } = request.body;
      const actor = actorOf(request);
      let user: User | undefined;
      if (roles !== undefined || permissions !== undefined) {
        const result = await service.accounts.setAccess(
          request.params.id,
          {
            ...(roles === undefined ? {} : { roles }),
            ...(permissions === undefined ? {} : { permissions }),
          },
          actor,
        );
        if (result.status === 'not-found') return noSuchUser(reply);
        if (result.status === 'last-admin') return lastAdmin(reply);
        user = result.user;
      }
      if (blocked !== undefined) {
        const result = await service.accounts.setBlocked(request.params.id, blocked, actor);
        if (result.status === 'not-found') return noSuchUser(reply);
        if (result.status === 'last-admin') return lastAdmin(reply);
        user = result.user;
      }
      return publicUser(user as User);
    },
  );

  app.put<{ Params: { id: string }; Body: { password: string } }>(
    '/admin/users/:id/password',
    {
      preHandler: admin,
      schema: { params: userIdParams, body: closedObject({ password }, ['password']) },
    },
    async (request, reply) => {
      const result = await service.accounts.setPassword(
        request.params.id,
        request.body.password,
        actorOf(request),
      );
      if (result.status === 'not-found') return noSuchUser(reply);
      if (result.status === 'invalid-password') return badPassword(reply);
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/admin/users/:id',
    { preHandler: admin, schema: { params: userIdParams } },
    async (request, reply) => {
      const result = await service.accounts.delete(request.params.id, actorOf(request));
      if (result.status === 'not-found') return noSuchUser(reply);
      if (result.status === 'last-admin') return lastAdmin(reply);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/users/:id/revoke-sessions',
    { preHandler: admin, schema: { params: userIdParams } },
    async (request, reply) => {
      if ((await service.users.find(request.params.id)) === null) return noSuchUser(reply);
      await service.accounts.revokeSessions(request.params.id, actorOf(request));
      return reply.code(204).send();
    },
  );
}
