import type { FastifyInstance } from 'fastify';
import { requireBearer, requireRole } from '../bearer.js';
import { sendError } from '../errors.js';
import { digits, queryInteger } from '../query.js';
import { requestMeta } from '../request-meta.js';
import { closedObject } from '../schemas.js';
import { adminUserRoutes } from './admin-users.js';
import type { RouteContext, RouteHook } from './context.js';
import { keyView } from './views.js';

/** No body, `null` or `{}`: the routes that take no input refuse any member (400). */
const noInput = { anyOf: [{ type: 'null' }, { type: 'object', maxProperties: 0 }] } as const;

/** Admin routes: all need an access token with role `admin`. Unknown body members are a 400. */
export function adminRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { service } = ctx;
  const admin: RouteHook[] = [requireBearer(service), requireRole('admin')];

  adminUserRoutes(app, ctx, admin);

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
      const events = await service.audit.list({
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
        // No body, `null` or `{}`: the next key is published first and signs later.
        body: { anyOf: [{ type: 'null' }, closedObject({ immediate: { type: 'boolean' } })] },
      },
    },
    async (request) => {
      const record = await service.keys.rotate({
        immediate: request.body?.immediate === true,
        actor: { userId: request.principal!.userId, meta: requestMeta(request) },
      });
      return keyView(record);
    },
  );

  // A compromised key: a fresh key signs at once if it was signing, it leaves the JWKS, and
  // every token it signed is refused (feed entry). Idempotent: a second call is 200 too.
  app.post<{ Params: { kid: string } }>(
    '/admin/keys/:kid/revoke',
    {
      preHandler: admin,
      schema: {
        params: { type: 'object', properties: { kid: { type: 'string', maxLength: 128 } } },
        body: noInput,
      },
    },
    async (request, reply) => {
      const result = await service.keys.revoke(request.params.kid, {
        actor: { userId: request.principal!.userId, meta: requestMeta(request) },
      });
      if (result.status === 'not-found') return sendError(reply, 404, 'not_found', 'no such signing key');
      if (result.status === 'already-revoked') return { kid: result.kid, already_revoked: true };
      return {
        kid: result.kid,
        already_revoked: false,
        revoked_until: new Date(result.expires * 1000).toISOString(),
        replacement: result.replacement === null ? null : keyView(result.replacement),
      };
    },
  );

  // A breach: every access token issued until now is refused; sessions stay, clients refresh.
  app.post('/admin/revoke-all', { preHandler: admin, schema: { body: noInput } }, async (request) => {
    const entry = await service.revocations.revokeAll(service.clock.now(), {
      userId: request.principal!.userId,
      meta: requestMeta(request),
    });
    return {
      revoked_before: new Date(entry.before * 1000).toISOString(),
      revoked_until: new Date(entry.expires * 1000).toISOString(),
    };
  });
}
