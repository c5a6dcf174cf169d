import type { Command } from 'commander';
import { describePasswordProblem } from '../../service/passwords.js';
import { loadCliConfig } from '../config-options.js';
import { printWarning } from '../errors.js';
import { withConfigOptions } from '../options.js';

/**
 * Registers `tessera serve`: runs the auth server until SIGINT/SIGTERM.
 *
 * @example
 * serveCommand(program); // tessera serve --port 3000 --data-dir ./data
 */
export function serveCommand(program: Command): void {
  withConfigOptions(
    program
      .command('serve')
      .description('run the auth server')
      .option('--port <port>', 'port to listen on (default 3000; 0 picks a free one)', (v) => Number(v))
      .option('--host <host>', 'address to listen on (default 127.0.0.1)'),
  ).action(async (opts) => {
    const config = loadCliConfig(opts);
    // Loaded here, not at startup: the token tools don't need Fastify or the store.
    const { buildServers } = await import('../../http/build-servers.js');
    const { dataDirWarning, openRuntime } = await import('../../runtime.js');
    const runtime = await openRuntime(config);
    for (const { code, message } of runtime.warnings) printWarning(code, message);
    const dataDir = dataDirWarning(config);
    if (dataDir !== null) printWarning('TESSERA_DATA_DIR_OPEN', dataDir);
    const { service } = runtime;
    const servers = await buildServers({ service, metrics: runtime.metrics });
    const { app } = servers;

    const adminEmail = process.env.TESSERA_ADMIN_EMAIL;
    const adminPassword = process.env.TESSERA_ADMIN_PASSWORD;
    if (adminEmail && adminPassword) {
      const created = await service.accounts.bootstrapAdmin(adminEmail, adminPassword);
      if (created?.status === 'created')
        app.log.info({ email: created.user.email }, 'created the first admin');
      else if (created !== null)
        app.log.warn(
          { code: 'TESSERA_ADMIN_BOOTSTRAP_REFUSED' },
          created.status === 'invalid-password'
            ? `TESSERA_ADMIN_PASSWORD was not accepted: ${describePasswordProblem(created.problem)}`
            : `TESSERA_ADMIN_EMAIL was not accepted (${created.status})`,
        );
    }

    const { address, metricsAddress } = await servers.listen();
    const users = await service.users.count();
    process.stdout.write(`Tessera auth server listening on ${address}\n`);
    process.stdout.write(
      `  issuer ${config.issuer}, data in ${config.databaseUrl ? 'PostgreSQL' : config.dataDir}` +
        `${config.redisUrl !== undefined || config.redisClusterNodes !== undefined ? ', sessions and revocations in Redis' : ''}\n`,
    );
    process.stdout.write(`  JWKS   ${address}/.well-known/jwks.json\n`);
    if (metricsAddress !== undefined) process.stdout.write(`  metrics ${metricsAddress}/metrics\n`);
    if (config.databaseUrl !== undefined && config.kek === undefined) {
      printWarning(
        'TESSERA_KEK_LOCAL',
        `the key-encryption key is ${config.dataDir}/kek.key on this machine; every instance ` +
          'on this database needs the same one: set TESSERA_KEK on each',
      );
    }
    if (config.port === 0 && config.issuer === `http://${config.host}:0`) {
      printWarning(
        'TESSERA_ISSUER_PORT_ZERO',
        'with --port 0 the default issuer ends in :0; set "issuer" in the config file',
      );
    }
    if (users === 0) {
      process.stdout.write(
        '  No accounts yet. Create the first admin with:\n' +
          `    tessera users add EMAIL --role admin --password-stdin --data-dir ${config.dataDir}\n` +
          '  or start with TESSERA_ADMIN_EMAIL and TESSERA_ADMIN_PASSWORD set.\n',
      );
    }

    let closing = false;
    const shutdown = async (signal: string) => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down');
      await servers.close();
      await runtime.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
  });
}
