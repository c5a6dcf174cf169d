/**
 * Every warning code @tessera/server emits, with what it means and what to do. `docs/errors.md`
 * documents each one; a test checks that both lists agree.
 */
export const SERVER_WARNING_CODES = {
  TESSERA_MAINTENANCE_FAILED:
    'A background task (signing-key schedule, purge of expired sessions, revocations or rate-limit counters) failed; it runs again at its next interval.',
  TESSERA_KEK_LOCAL:
    'PostgreSQL is in use but the key-encryption key is the generated <dataDir>/kek.key of this machine: every instance needs the same one, set TESSERA_KEK on each.',
  TESSERA_ISSUER_PORT_ZERO: 'With --port 0 the default issuer ends in :0; set "issuer" in the config file.',
  TESSERA_ADMIN_BOOTSTRAP_REFUSED:
    'TESSERA_ADMIN_EMAIL / TESSERA_ADMIN_PASSWORD were set but not accepted (a bad email, or a password the password rules refuse).',
  TESSERA_DATA_DIR_OPEN:
    'The data directory (SQLite database, kek.key) is open to its group or to every local user; the files in it are 0600, but chmod 700 the directory.',
  TESSERA_REVOCATION_SIGNAL_FAILED:
    'A revocation was stored but announcing it to the other instances (Redis pub/sub, PostgreSQL NOTIFY) failed; they pick it up at their next one-second catch-up.',
  TESSERA_REDIS_VOLATILE:
    'redisAllowVolatile is set and Redis has `appendonly` off (or CONFIG GET is refused): a Redis restart loses every session, refresh token and revocation. Set `appendonly yes` on every Redis node.',
  TESSERA_REDIS_EVICTION:
    'Redis has a `maxmemory-policy` other than `noeviction`: under memory pressure it would drop sessions and revocations. Set `maxmemory-policy noeviction`.',
} as const;

/** A stable warning code. */
export type ServerWarningCode = keyof typeof SERVER_WARNING_CODES;

/**
 * Emits a process warning with its code (`process.on('warning')` sees `name === 'TesseraWarning'`
 * and `code`). The message never contains a token, a password or key material.
 *
 * @example
 * warn('TESSERA_MAINTENANCE_FAILED', `tessera maintenance failed: ${err.message}`);
 */
export function warn(code: ServerWarningCode, message: string): void {
  process.emitWarning(message, { type: 'TesseraWarning', code });
}
