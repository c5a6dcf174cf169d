/**
 * Every code of the guard's own failures, apart from refusing a request (that is a
 * {@link GuardError}): a mistake in the options or the wiring, found at startup, and a failure
 * of the guard's background work. `docs/errors.md` documents each one; a test checks both ways.
 */
export const GUARD_FAILURE_CODES = {
  ERR_GUARD_OPTIONS:
    'An option of createGuard, of an adapter or of a route requirement is missing, unknown or invalid; thrown at startup, never at a request.',
  ERR_GUARD_WIRING:
    'requireRole or requirePermission ran on a request that requireAuth did not authenticate first (Express): a wiring mistake.',
  ERR_GUARD_CLOSED: 'The guard was closed while ready() or a key fetch was waiting.',
  ERR_GUARD_FEED_UNREACHABLE:
    'A revocation-feed poll failed (the request failed, timed out, or its body could not be read), or the revocation stream ended, broke or stayed silent past streamIdleMs (the guard then polls and reconnects).',
  ERR_GUARD_FEED_STATUS:
    'The revocation feed or its stream answered with a status other than 200 (redirects are not followed; a 404 on the stream means polling, not an error).',
  ERR_GUARD_FEED_TOO_LARGE:
    'The revocation feed response, or one event of its stream, is larger than maxResponseBytes.',
  ERR_GUARD_FEED_INVALID:
    'The revocation feed response is not UTF-8 JSON of the shape { cursor, revoked: [{ sid, before, expires }] }.',
} as const;

/** A stable code of a guard failure. */
export type GuardFailureCode = keyof typeof GUARD_FAILURE_CODES;

/**
 * A programming error in the guard's options or wiring. It is a `TypeError` (as it always was)
 * with a stable `code`; the message starts with `@tessera/guard:` and never contains a key.
 *
 * @example
 * try { createGuard(opts); } catch (err) {
 *   if (err instanceof GuardOptionsError) console.error(err.code, err.message);
 * }
 */
export class GuardOptionsError extends TypeError {
  override readonly name = 'GuardOptionsError';

  constructor(
    readonly code: 'ERR_GUARD_OPTIONS' | 'ERR_GUARD_WIRING',
    message: string,
  ) {
    super(`@tessera/guard: ${message}`);
  }
}

/**
 * A failure of the guard's own work: a revocation-feed poll (handed to `revocations.onError`;
 * the guard keeps its last list and polls again), or a wait cut short by `close()`. Messages
 * never contain a token.
 *
 * @example
 * createGuard({ ...opts, revocations: { url, onError: (err) => log.warn({ code: err.code }, err.message) } });
 */
export class GuardRuntimeError extends Error {
  override readonly name = 'GuardRuntimeError';

  constructor(
    readonly code: Exclude<GuardFailureCode, 'ERR_GUARD_OPTIONS' | 'ERR_GUARD_WIRING'>,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}
