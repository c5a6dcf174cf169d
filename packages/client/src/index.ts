export {
  type ClientEvent,
  type ClientStatus,
  createClient,
  type TesseraClient,
} from './client.js';
export type { ClientErrorCode } from './error-codes.js';
export { TesseraClientError } from './errors.js';
export { isInvalidToken } from './http.js';
export type { AsyncStorageLike, BroadcastChannelLike, ClientOptions, LockManagerLike } from './options.js';
