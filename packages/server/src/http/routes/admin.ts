import type { FastifyInstance } from 'fastify';
import { publicUser } from '../../service/accounts.js';
import type { User } from '../../store/index.js';
import { requireBearer, requireRole } from '../bearer.js';
import { sendError } from '../errors.js';
import { digits, queryInteger } from '../query.js';
import { requestMeta } from '../request-meta.js';
import type { RouteContext } from './context.js';

const stringList = {
  type: 'array',
  maxItems: 64,
  items: { type: 'string', minLength: 1, maxLength: 64 },
} as const;
const userId = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } } as const;

/** Admin routes: all need an access token with role `admin`. */
export function adminRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { service } = ctx;
  const admin = [requireBearer(service), requireRole('admin')];

  app.get<{ Querystring: { limit?: string; after?: string } }>(
    '/admin/users',
    {
      preHandler: admin,
      schema: {
        querystring: {
          type: 'object',
          properties: { limit: digits, after: { type: 'string', maxLength: 254 } },
        },
      },
    },
    async (request) => {
      const limit = queryInteger(request.query.limit, { min: 1, max: 500 }) ?? 100;
      const users = await service.store.users.list({
        limit,
        ...(request.query.after === undefined ? {} : { after: request.query.after }),
      });
      return {
        users: users.map(publicUser),
        next: users.length === limit ? (users.at(-1)?.email ?? null) : null,
      };
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
        params: userId,
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: { roles: stringList, permissions: stringList, blocked: { type: 'boolean' } },
        },
      },
    },
    async (request, reply) => {
      const { roles, permissions, blocked } = request.body;
      // Ajv strips unknown members (removeAdditional) after minProperties passed: `{ "email": … }` arrives empty.
      if (roles === undefined && permissions === undefined && blocked === undefined) {
        return sendError(reply, 400, 'invalid_request', 'give roles, permissions or blocked');
      }
      const actor = { userId: request.principal!.userId, meta: requestMeta(request) };
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
        if (result.status === 'not-found') return sendError(reply, 404, 'not_found', 'no such user');
        user = result.user;
      }
      if (blocked !== undefined) {
        const result = await service.accounts.setBlocked(request.params.id, blocked, actor);
        if (result.status === 'not-found') return sendError(reply, 404, 'not_found', 'no such user');
        user = result.user;
      }
      return publicUser(user as User);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/users/:id/revoke-sessions',
    { preHandler: admin, schema: { params: userId } },
    async (request, reply) => {
      if ((await service.store.users.findById(request.params.id)) === null) {
        return sendError(reply, 404, 'not_found', 'no such user');
      }
      await service.accounts.revokeSessions(request.params.id, {
        userId: request.principal!.userId,
        meta: requestMeta(request),
      });
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: { limit?: string; before?: string; user_id?: string; type?: string } }>(
    '/admin/audit',
    {
      preHandler: admin,
      schema: {
        querystring: {
          type: 'object',
          properties: {
            limit: digits,
            before: digits,
            user_id: { type: 'string', maxLength: 64 },
            type: { type: 'string', maxLength: 64 },
          },
        },
      },
    },
    async (request) => {
      const { user_id, type } = request.query;
      const limit = queryInteger(request.query.limit, { min: 1, max: 500 }) ?? 100;
      const before = queryInteger(request.query.before, { min: 1, max: Number.MAX_SAFE_INTEGER });
      const events = await service.store.audit.list({
        limit,
        ...(before === undefined ? {} : { before }),
        ...(user_id === undefined ? {} : { userId: user_id }),
        ...(type === undefined ? {} : { type }),
      });
      return {
        events: events.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
        next: events.length === limit ? (events.at(-1)?.id ?? null) : null,
      };
    },
  );

  app.get('/admin/keys', { preHandler: admin }, async () => ({ keys: service.keys.list().map(keyView) }));

  app.post<{ Body: { immediate?: boolean } | null }>(
    '/admin/keys/rotate',
    {
      preHandler: admin,
      schema: {
        body: {
          anyOf: [{ type: 'null' }, { type: 'object', properties: { immediate: { type: 'boolean' } } }],
        },
      },
    },
    async (request) => {
      const record = await service.keys.rotate({ immediate: request.body?.immediate === true });
      await service.store.audit.append({
        at: service.clock.now(),
        type: 'key-rotated',
        userId: request.principal!.userId,
        ip: request.ip,
        details: { kid: record.kid, immediate: request.body?.immediate === true },
      });
      return keyView(record);
    },
  );
}

function keyView(k: {
  kid: string;
  alg: string;
  createdAt: number;
  activatesAt: number;
  retiredAt: number | null;
  expiresAt: number | null;
}) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    kid: k.kid,
    alg: k.alg,
    created_at: iso(k.createdAt),
    activates_at: iso(k.activatesAt),
    retired_at: iso(k.retiredAt),
    expires_at: iso(k.expiresAt),
  };
}
