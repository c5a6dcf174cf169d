export {
  type ConfigOverrides,
  defaultConfig,
  isLoopback,
  loadConfig,
  type RateLimit,
  type TesseraConfig,
} from './config.js';
export {
  CONFIG_ERROR_CODES,
  ConfigError,
  type ConfigErrorCode,
  SERVER_ERROR_CODES,
  SERVER_WARNING_CODES,
  SERVICE_ERROR_CODES,
  type ServerErrorCode,
  type ServerWarningCode,
  ServiceError,
  type ServiceErrorCode,
  STORE_ERROR_CODES,
  StoreError,
  type StoreErrorCode,
  TesseraServerError,
} from './errors.js';
export { type AppOptions, buildApp } from './http/app.js';
export { buildServers, type Servers } from './http/build-servers.js';
export { HTTP_ERROR_CODES, type OAuthError } from './http/errors.js';
export { createMetrics, type Metrics } from './http/metrics.js';
export { buildMetricsApp, type MetricsAppOptions } from './http/metrics-app.js';
export { openRuntime, openStore, type Runtime, SQLITE_FILE } from './runtime.js';
export * from './service/index.js';
