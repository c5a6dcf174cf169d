// better-auth on SQLite (better-sqlite3 file), email and password sign-in, its
// jwt() plugin, served by node:http through toNodeHandler: the peer of the
// Tessera auth server in `npm run bench:server`.
//
//   node better-auth-app.mjs '{"dataDir":"/tmp/…","port":4000}'
//
// Runs its migrations (getMigrations from better-auth/db/migration) on start,
// disables its rate limiter (so it does not cut the floods short, like the raised
// limits on the Tessera side) and prints `better-auth listening on <port>`.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { join } from 'node:path';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import { jwt } from 'better-auth/plugins/jwt';
import Database from 'better-sqlite3';

const spec = JSON.parse(process.argv[2]);
const baseURL = `http://127.0.0.1:${spec.port}`;

const db = new Database(join(spec.dataDir, 'better-auth.db'));
// The same journal mode as the Tessera store (WAL); better-auth leaves the default otherwise.
db.pragma('journal_mode = WAL');

const options = {
  database: db,
  baseURL,
  secret: randomBytes(32).toString('base64url'),
  emailAndPassword: { enabled: true },
  rateLimit: { enabled: false },
  plugins: [jwt()],
  logger: { level: 'error' },
  telemetry: { enabled: false },
};

const { runMigrations } = await getMigrations(options);
await runMigrations();

const auth = betterAuth(options);
const server = http.createServer(toNodeHandler(auth));
server.listen(spec.port, '127.0.0.1', () => process.stdout.write(`better-auth listening on ${spec.port}\n`));

const shutdown = () =>
  server.close(() => {
    db.close();
    process.exit(0);
  });
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
