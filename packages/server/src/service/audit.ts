import type { AuditEvent, AuditStore, ListAuditOptions } from '../store/index.js';
import type { RequestMeta } from './accounts.js';
import type { Clock } from './clock.js';

/** Who performs an operation: an admin's user id over HTTP, or only a user agent from the CLI. */
export interface Actor {
  userId?: string;
  meta?: RequestMeta;
}

/** One audit row as the service writes it; `at` comes from the clock. */
export interface AuditEntry {
  userId?: string | null | undefined;
  sessionId?: string | null | undefined;
  meta?: RequestMeta | undefined;
  details?: Record<string, unknown> | undefined;
}

/**
 * The audit log as the service uses it: operations write their row here (so HTTP and CLI write
 * the same rows), and admins page through it. Never a token, a password or a secret in a row.
 *
 * @example
 * await audit.record('key-rotated', { userId: actor.userId, meta: actor.meta, details: { kid } });
 * const page = await audit.list({ limit: 50, type: 'key-rotated' });
 */
export class AuditLog {
  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
  ) {}

  /** Appends one row; the user agent of `meta` goes into the details. */
  async record(type: string, entry: AuditEntry = {}): Promise<void> {
    const details = entry.details ?? {};
    await this.store.append({
      at: this.clock.now(),
      type,
      userId: entry.userId ?? null,
      sessionId: entry.sessionId ?? null,
      ip: entry.meta?.ip ?? null,
      details: entry.meta?.userAgent ? { ...details, userAgent: entry.meta.userAgent } : details,
    });
  }

  /** One page, newest first. */
  list(options: ListAuditOptions): Promise<AuditEvent[]> {
    return this.store.list(options);
  }
}
