import type { AuthContext } from '../auth-context.js';
import { GuardError, type GuardReason } from '../errors.js';
import type { Guard } from '../guard.js';

/** The part of a graphql-ws server `Context` the hooks read (graphql-ws is never imported at run time). */
export interface GraphqlWsContext {
  readonly connectionParams?: Readonly<Record<string, unknown>> | undefined;
  readonly extra: unknown;
}

/** Options of graphqlWsGuard. */
export interface GraphqlWsGuardOptions {
  /**
   * How often each connection's token is checked again (revocation feed, expiry).
   * Every operation is checked as well. Default 5 000 ms.
   */
  recheckIntervalMs?: number;
  /** The close code for a missing, invalid or expired token. Default 4401 (Unauthorized). */
  unauthorizedCode?: number;
  /** The close code for a revoked token (logout, role change, blocked account). Default 4403 (Forbidden). */
  revokedCode?: number;
  /**
   * Closes the connection's socket. Default: `ctx.extra.socket.close(code, reason)`, which
   * fits `graphql-ws/use/ws` and `@fastify/websocket`; pass one for other servers.
   */
  close?: (ctx: GraphqlWsContext, code: number, reason: string) => void;
}

/** The hooks to spread into graphql-ws's server options, and the connection's AuthContext. */
export interface GraphqlWsGuard {
  /** Authenticates `connectionParams.authorization` (`Bearer …`); closes the socket when it fails. */
  onConnect(ctx: GraphqlWsContext): Promise<boolean>;
  /** Checks the token again before each operation; a refused token closes the socket and the operation never runs. */
  onSubscribe(ctx: GraphqlWsContext): Promise<void>;
  /** Stops the connection's timers. */
  onClose(ctx: GraphqlWsContext): void;
  /** The AuthContext of an authenticated connection (for `context` and resolvers). */
  auth(ctx: GraphqlWsContext): AuthContext | undefined;
}

interface Connection {
  token: string;
  auth: AuthContext;
  timers: ReturnType<typeof setTimeout>[];
}

const REVOKED: ReadonlySet<GuardReason> = new Set(['ERR_GUARD_REVOKED', 'ERR_GUARD_REVOCATIONS_UNAVAILABLE']);
/** setTimeout's longest delay; longer ones fire at once. */
const MAX_DELAY_MS = 2 ** 31 - 1;

function defaultClose(ctx: GraphqlWsContext, code: number, reason: string): void {
  (ctx.extra as { socket?: { close(code: number, reason: string): void } }).socket?.close(code, reason);
}

/**
 * Guards a GraphQL-over-WebSocket server (`graphql-ws`): the connection is
 * authenticated once from `connectionParams.authorization`, closed with 4401
 * when its token expires, and with 4403 as soon as the revocation feed
 * revokes the session (checked on every operation and every
 * `recheckIntervalMs`). Close reasons are fixed texts; the token never
 * appears in them. `@tessera/client/graphql-ws` reconnects with a fresh token.
 *
 * @example
 * import { useServer } from 'graphql-ws/use/ws';
 * import { graphqlWsGuard } from '@tessera/guard/graphql-ws';
 *
 * const wsGuard = graphqlWsGuard(guard);
 * useServer({ schema, ...wsGuard, context: (ctx) => ({ auth: wsGuard.auth(ctx) }) }, wss);
 */
export function graphqlWsGuard(guard: Guard, opts: GraphqlWsGuardOptions = {}): GraphqlWsGuard {
  const recheckMs = opts.recheckIntervalMs ?? 5000;
  if (!(recheckMs > 0)) throw new TypeError('graphqlWsGuard: recheckIntervalMs must be a positive number');
  const unauthorized = opts.unauthorizedCode ?? 4401;
  const revoked = opts.revokedCode ?? 4403;
  const close = opts.close ?? defaultClose;
  const connections = new WeakMap<GraphqlWsContext, Connection>();

  const stop = (ctx: GraphqlWsContext) => {
    for (const timer of connections.get(ctx)?.timers ?? []) clearTimeout(timer);
    connections.delete(ctx);
  };
  const refuse = (ctx: GraphqlWsContext, err: unknown): false => {
    stop(ctx);
    if (err instanceof GuardError && REVOKED.has(err.reason)) close(ctx, revoked, 'Forbidden: token revoked');
    else close(ctx, unauthorized, 'Unauthorized');
    return false;
  };
  /** Verifies again (a cache hit when nothing changed): expiry and the revocation list. */
  const recheck = async (ctx: GraphqlWsContext): Promise<boolean> => {
    const connection = connections.get(ctx);
    if (connection === undefined) return refuse(ctx, undefined);
    try {
      await guard.verifyToken(connection.token);
      return true;
    } catch (err) {
      return refuse(ctx, err);
    }
  };

  return {
    async onConnect(ctx) {
      const authorization = ctx.connectionParams?.authorization;
      let auth: AuthContext;
      try {
        auth = await guard.authenticate(typeof authorization === 'string' ? authorization : undefined);
      } catch (err) {
        return refuse(ctx, err);
      }
      const token = (authorization as string).replace(/^\S+\s+/, '').trim();
      const timers = [setInterval(() => void recheck(ctx), recheckMs)];
      const exp = auth.claims.exp;
      if (typeof exp === 'number') {
        // Past the longest delay, the recheck interval catches the expiry instead.
        const ms = exp * 1000 - Date.now();
        if (ms < MAX_DELAY_MS) timers.push(setTimeout(() => refuse(ctx, undefined), Math.max(0, ms)));
      }
      for (const timer of timers) timer.unref?.();
      connections.set(ctx, { token, auth, timers });
      return true;
    },
    async onSubscribe(ctx) {
      if (!(await recheck(ctx))) {
        // The socket is closed already. Never settling keeps graphql-ws from running the
        // operation (throwing would run nothing either, but logs an "internal error");
        // nothing holds this promise, so it is collected with the connection.
        await new Promise<never>(() => {});
      }
    },
    onClose: stop,
    auth: (ctx) => connections.get(ctx)?.auth,
  };
}
