import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'fastify/types/logger.js';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type Level = (typeof LEVELS)[number];

/**
 * Fastify's `childLoggerFactory` for the auth server: each request gets a
 * logger that makes pino's child (its bindings run through redaction, several
 * µs) only when it writes a line at an enabled level. At the default level a
 * request that logs nothing no longer pays for a child it never uses.
 *
 * @example
 * const app = Fastify({ logger: { level: 'warn' }, childLoggerFactory: lazyChildLogger });
 */
export function lazyChildLogger(
  parent: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  let child: FastifyBaseLogger | undefined;
  const real = (): FastifyBaseLogger => {
    child ??= parent.child(bindings, options);
    return child;
  };
  const enabled = (level: Level): boolean =>
    child !== undefined ||
    (parent as { isLevelEnabled?: (l: string) => boolean }).isLevelEnabled?.(level) !== false;
  const logger = {
    get level(): string {
      return (child ?? parent).level;
    },
    set level(level: string) {
      real().level = level;
    },
    child: (more: Bindings, moreOptions?: ChildLoggerOptions) => real().child(more, moreOptions),
  } as FastifyBaseLogger;
  for (const level of LEVELS) {
    (logger as unknown as Record<Level, (...args: unknown[]) => void>)[level] = (...args: unknown[]) => {
      if (enabled(level)) (real()[level] as (...a: unknown[]) => void)(...args);
    };
  }
  return logger;
}
