/**
 * Every code a {@link ConfigError} carries. `docs/errors.md` documents each one; a test checks
 * that both lists agree.
 */
export const CONFIG_ERROR_CODES = {
  ERR_CONFIG_UNKNOWN_KEY: 'A key in the config file, a TESSERA_* variable or an option is not a setting.',
  ERR_CONFIG_INVALID: 'A setting has the wrong type, is out of range, or contradicts another setting.',
  ERR_CONFIG_FILE: 'The config file cannot be read, is not JSON, or is not a JSON object.',
  ERR_CONFIG_KEK_MISMATCH:
    'The key-encryption key is not the one the database was set up with (every instance must share one).',
} as const;

export type ConfigErrorCode = keyof typeof CONFIG_ERROR_CODES;

/**
 * The configuration can't be used. The message is one line naming the key and where it came
 * from (the file, the environment variable or the option); it never quotes a value, since a
 * value may be a secret.
 *
 * @example
 * try { loadConfig(); } catch (err) { if (err instanceof ConfigError) exit(err.message); }
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
  ) {
    super(`invalid configuration: ${message}`);
  }
}
