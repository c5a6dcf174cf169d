import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type TesseraConfig } from '../config.js';
import type { Runtime } from '../runtime.js';
import { CliError } from './errors.js';
import { configOverrides } from './options.js';

/**
 * Who the CLI is in the audit log: no user id, and `tessera-cli` as the user agent.
 *
 * @example
 * await service.accounts.setBlocked(user.id, true, CLI_ACTOR);
 */
export const CLI_ACTOR = { meta: { userAgent: 'tessera-cli' } } as const;

/** The parsed `--data-dir`, `--config`, `--database-url`, `--redis-*` (and serve's `--port`, `--host`). */
export interface StoreOptions {
  dataDir?: string;
  config?: string;
  databaseUrl?: string;
  redisUrl?: string;
  redisClusterNodes?: string[];
  port?: number;
  host?: string;
}

/**
 * Loads the configuration for a command. Problems are a ConfigError whose one-line
 * message names the key and its file, variable or option, never a value (a value may be a KEK).
 *
 * @example
 * const config = loadCliConfig(opts);
 */
export function loadCliConfig(opts: StoreOptions, env: NodeJS.ProcessEnv = process.env): TesseraConfig {
  return loadConfig(configOverrides(opts), env);
}

/**
 * Opens the store and the service (no background timers) for one command and
 * closes them afterwards. Unless `create` is set, a missing SQLite database is
 * an error: a mistyped `--data-dir` must not silently make an empty one.
 *
 * @example
 * await withRuntime(opts, async ({ service }) => console.log(await service.users.count()));
 */
export async function withRuntime<T>(
  opts: StoreOptions,
  action: (runtime: Runtime, config: TesseraConfig) => Promise<T>,
  { create = false }: { create?: boolean } = {},
): Promise<T> {
  const config = loadCliConfig(opts);
  const { openRuntime, SQLITE_FILE } = await import('../runtime.js');
  if (!create && config.databaseUrl === undefined && !existsSync(join(config.dataDir, SQLITE_FILE))) {
    throw new CliError(
      'ERR_CLI_NO_DATABASE',
      `no Tessera database in ${config.dataDir}: pass --data-dir (or set TESSERA_DATA_DIR), ` +
        'or create one with `tessera users add` or `tessera serve`',
    );
  }
  const runtime = await openRuntime(config, { timers: false });
  try {
    return await action(runtime, config);
  } finally {
    await runtime.close();
  }
}
