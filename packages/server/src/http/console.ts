import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TesseraConfig } from '../config.js';
import { sendError } from './errors.js';

/**
 * Where `npm run build` puts the console (packages/console builds into the server package, so
 * the server needs no other package at run time): two levels up from src/http and dist/http.
 *
 * @example
 * existsSync(join(CONSOLE_DIR, 'index.html')); // true once built
 */
export const CONSOLE_DIR = fileURLToPath(new URL('../../console-dist/', import.meta.url));

/**
 * The console's Content-Security-Policy: everything from this origin only, no inline script or
 * style, no plugins, no `<base>`, never framed.
 *
 * @example
 * reply.header('content-security-policy', CONSOLE_CSP);
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

/** The index's placeholder for the registration policy, read by the console (a meta tag, no script). */
const REGISTRATION_PLACEHOLDER = '%TESSERA_REGISTRATION%';

function secureHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('cross-origin-resource-policy', 'same-origin');
}

/**
 * Serves the web console: `GET /` (the index, `no-cache`, so a new release shows at once) and
 * `GET /assets/<name>-<hash>.<ext>` (immutable for a year: the hash changes with the content),
 * all under {@link CONSOLE_CSP}. The files are read once, at start. Without built files (a
 * checkout that never ran `npm run build`) it logs a warning and serves nothing.
 *
 * @example
 * if (config.console) consoleRoutes(app, config); // in buildApp
 */
export function consoleRoutes(app: FastifyInstance, config: TesseraConfig, dir = CONSOLE_DIR): boolean {
  const indexPath = join(dir, 'index.html');
  if (!existsSync(indexPath)) {
    app.log.warn('the console is not built (run `npm run build`): GET / answers 404');
    return false;
  }
  const index = readFileSync(indexPath, 'utf8').replaceAll(REGISTRATION_PLACEHOLDER, config.registration);
  const assets = new Map<string, { body: Buffer; type: string }>();
  const assetDir = join(dir, 'assets');
  for (const name of existsSync(assetDir) ? readdirSync(assetDir) : []) {
    const type = TYPES[extname(name)];
    if (type !== undefined) assets.set(name, { body: readFileSync(join(assetDir, name)), type });
  }

  app.get('/', async (_request, reply) =>
    secureHeaders(reply).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index),
  );
  app.get<{ Params: { name: string } }>(
    '/assets/:name',
    { schema: { params: { type: 'object', properties: { name: { type: 'string', maxLength: 128 } } } } },
    async (request, reply) => {
      const asset = assets.get(request.params.name);
      if (asset === undefined) return sendError(reply, 404, 'not_found', 'no such route');
      return secureHeaders(reply)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .type(asset.type)
        .send(asset.body);
    },
  );
  return true;
}
