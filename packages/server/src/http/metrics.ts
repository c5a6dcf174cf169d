import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { ServiceEvents } from '../service/index.js';

/** Prometheus metrics of one server instance, in a registry of its own. */
export interface Metrics {
  readonly registry: Registry;
  readonly events: ServiceEvents;
}

/**
 * Creates the registry and the counters the service reports into.
 *
 * @example
 * const metrics = createMetrics();
 * const service = createTesseraService({ ..., events: metrics.events });
 */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'tessera_' });
  const logins = new Counter({
    name: 'tessera_logins_total',
    help: 'Login attempts by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const loginFailures = new Counter({
    name: 'tessera_login_failures_total',
    help: 'Failed logins (wrong credentials or blocked account)',
    registers: [registry],
  });
  const refreshes = new Counter({
    name: 'tessera_refreshes_total',
    help: 'Refresh-token exchanges by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const reuse = new Counter({
    name: 'tessera_refresh_reuse_detections_total',
    help: 'Refresh tokens presented again after rotation (theft): the session was revoked',
    registers: [registry],
  });
  const revocations = new Counter({
    name: 'tessera_revocations_total',
    help: 'Access-token revocation entries written',
    registers: [registry],
  });
  const signing = new Histogram({
    name: 'tessera_token_signing_seconds',
    help: 'Time to sign one access token',
    buckets: [0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01],
    registers: [registry],
  });
  for (const outcome of ['ok', 'invalid-credentials', 'blocked']) logins.inc({ outcome }, 0);
  for (const outcome of ['rotated', 'grace', 'reused', 'invalid']) refreshes.inc({ outcome }, 0);
  return {
    registry,
    events: {
      login(outcome) {
        logins.inc({ outcome });
        if (outcome !== 'ok') loginFailures.inc();
      },
      refresh(outcome) {
        refreshes.inc({ outcome });
        if (outcome === 'reused') reuse.inc();
      },
      revoked(entries) {
        revocations.inc(entries);
      },
      signed(seconds) {
        signing.observe(seconds);
      },
    },
  };
}
