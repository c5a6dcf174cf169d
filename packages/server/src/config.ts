// The configuration: one schema (config/schema.ts) from which the type, defaults, environment
// variables, validation and the README table are all derived.

export { configLeaves, envNameOf } from './config/env.js';
export { CONFIG_ERROR_CODES, ConfigError, type ConfigErrorCode } from './config/errors.js';
export { defaultConfig, isLoopback, loadConfig } from './config/load.js';
export { CONFIG_SCHEMA, type ConfigOverrides, type RateLimit, type TesseraConfig } from './config/schema.js';
export { configTable } from './config/table.js';
