import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TesseraService } from '../../service/index.js';
import type { BrowserSessions } from '../browser.js';

/** What every route module receives. */
export interface RouteContext {
  service: TesseraService;
  browser: BrowserSessions;
  /** Rate-limit preHandlers by name, built from the configuration. */
  limits: {
    login: RouteHook;
    register: RouteHook;
    refresh: RouteHook;
    /** Per user: guessing the current password through /auth/password costs as much as through login. */
    password: RouteHook;
  };
}

export type RouteHook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
