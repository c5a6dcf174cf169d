import type { FastifyRequest } from 'fastify';
import type { RequestMeta } from '../service/index.js';

/** The caller's IP and user agent for audit rows (capped: headers are attacker-controlled). */
export function requestMeta(request: FastifyRequest): RequestMeta {
  const agent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent.slice(0, 256) : null };
}
