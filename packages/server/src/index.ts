export {
  type ConfigOverrides,
  defaultConfig,
  isLoopback,
  loadConfig,
  type RateLimit,
  type TesseraConfig,
} from './config.js';
export { type AppOptions, buildApp } from './http/app.js';
export { buildServers, type Servers } from './http/build-servers.js';
export { createMetrics, type Metrics } from './http/metrics.js';
export { buildMetricsApp, type MetricsAppOptions } from './http/metrics-app.js';
export { openRuntime, openStore, type Runtime, SQLITE_FILE } from './runtime.js';
export * from './service/index.js';
