/**
 * An audit event as the caller writes it. Callers must never put a token, a password, a hash of
 * either or a secret in any field: the audit log is read by people.
 */
export interface AuditInput {
  /** Epoch ms. */
  at: number;
  /** e.g. 'login', 'login-failed', 'refresh-reuse', 'logout', 'key-rotated'. */
  type: string;
  userId?: string | null | undefined;
  sessionId?: string | null | undefined;
  ip?: string | null | undefined;
  /** Any JSON object; stored as JSON text. */
  details?: Record<string, unknown> | undefined;
}

/** A stored audit event; `id` is assigned by the store and increases with each append. */
export interface AuditEvent {
  id: number;
  at: number;
  type: string;
  userId: string | null;
  sessionId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/** Newest first; pass the last id of the previous page as `before`. */
export interface ListAuditOptions {
  limit: number;
  before?: number | undefined;
  userId?: string | undefined;
  type?: string | undefined;
}

/**
 * The append-only audit log. It never receives tokens or passwords: that is the callers' duty.
 *
 * @example
 * const id = await store.audit.append({ at: now, type: 'refresh-reuse', userId, sessionId, ip, details: {} });
 * const page = await store.audit.list({ limit: 50, userId });
 */
export interface AuditStore {
  append(event: AuditInput): Promise<number>;
  list(options: ListAuditOptions): Promise<AuditEvent[]>;
  /** Retention: deletes events with `at < olderThan`; returns how many. */
  purge(olderThan: number): Promise<number>;
}
