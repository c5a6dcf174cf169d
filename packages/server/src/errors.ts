import { CLI_ERROR_CODES } from './cli/errors.js';
import { CONFIG_ERROR_CODES } from './config/errors.js';
import { SERVICE_ERROR_CODES } from './service/errors.js';
import { STORE_ERROR_CODES } from './store/errors.js';

/**
 * Every error code @tessera/server throws, with what it means: the configuration's
 * (`ConfigError`), the store's (`StoreError`), the service layer's (`ServiceError`) and the
 * CLI's (`CliError`). `docs/errors.md` documents each one, and documents no other; a test
 * checks both directions. The HTTP API's `error` values are in `HTTP_ERROR_CODES`.
 *
 * @example
 * if (err instanceof TesseraServerError) console.error(err.code, SERVER_ERROR_CODES[err.code as ServerErrorCode]);
 */
export const SERVER_ERROR_CODES = {
  ...CONFIG_ERROR_CODES,
  ...STORE_ERROR_CODES,
  ...SERVICE_ERROR_CODES,
  ...CLI_ERROR_CODES,
} as const;

/** Any code of {@link SERVER_ERROR_CODES}. */
export type ServerErrorCode = keyof typeof SERVER_ERROR_CODES;

export { CLI_ERROR_CODES, CliError, type CliErrorCode } from './cli/errors.js';
export { CONFIG_ERROR_CODES, ConfigError, type ConfigErrorCode } from './config/errors.js';
export { TesseraServerError } from './server-error.js';
export { SERVICE_ERROR_CODES, ServiceError, type ServiceErrorCode } from './service/errors.js';
export { STORE_ERROR_CODES, StoreError, type StoreErrorCode } from './store/errors.js';
export { SERVER_WARNING_CODES, type ServerWarningCode, warn } from './warnings.js';
