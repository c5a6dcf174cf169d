/**
 * What the service reports as it works, for metrics. The HTTP layer implements
 * it with Prometheus counters; the service itself never imports a metrics library.
 */
export interface ServiceEvents {
  login(outcome: 'ok' | 'invalid-credentials' | 'blocked'): void;
  refresh(outcome: 'rotated' | 'grace' | 'reused' | 'invalid'): void;
  /** Access-token revocation entries written. */
  revoked(entries: number): void;
  /** Time one access-token signature took, in seconds. */
  signed(seconds: number): void;
}

/** Events that go nowhere. */
export const silentEvents: ServiceEvents = {
  login() {},
  refresh() {},
  revoked() {},
  signed() {},
};
