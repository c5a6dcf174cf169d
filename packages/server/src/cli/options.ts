import type { Command } from 'commander';
import type { ConfigOverrides } from '../config.js';

/**
 * Adds the options every command that touches stored data takes, like `serve`.
 *
 * @example
 * withConfigOptions(program.command('list')).action(list);
 */
export function withConfigOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'data directory (default ./data; env TESSERA_DATA_DIR)')
    .option('--config <file>', 'JSON config file (env TESSERA_CONFIG)')
    .option(
      '--database-url <url>',
      'PostgreSQL URL instead of the embedded SQLite (env TESSERA_DATABASE_URL)',
    )
    .option(
      '--redis-url <url>',
      'Redis for sessions, refresh tokens, revocations and rate limits (env TESSERA_REDIS_URL)',
    )
    .option(
      '--redis-cluster-nodes <host:port,...>',
      'the same on a Redis Cluster: some of its nodes (env TESSERA_REDIS_CLUSTER_NODES)',
      (v: string) =>
        v
          .split(',')
          .map((node) => node.trim())
          .filter((node) => node !== ''),
    );
}

/**
 * Turns parsed command options into config overrides (undefined ones are left out).
 *
 * @example
 * loadConfig(configOverrides({ dataDir: './data' }));
 */
export function configOverrides(opts: {
  dataDir?: string;
  config?: string;
  databaseUrl?: string;
  redisUrl?: string;
  redisClusterNodes?: string[];
  port?: number;
  host?: string;
}): ConfigOverrides {
  const out: ConfigOverrides = {};
  if (opts.dataDir !== undefined) out.dataDir = opts.dataDir;
  if (opts.config !== undefined) out.configFile = opts.config;
  if (opts.databaseUrl !== undefined) out.databaseUrl = opts.databaseUrl;
  if (opts.redisUrl !== undefined) out.redisUrl = opts.redisUrl;
  if (opts.redisClusterNodes !== undefined) out.redisClusterNodes = opts.redisClusterNodes;
  if (opts.port !== undefined) out.port = opts.port;
  if (opts.host !== undefined) out.host = opts.host;
  return out;
}
