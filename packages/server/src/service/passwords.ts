import { availableParallelism } from 'node:os';
import argon2 from 'argon2';
import { ConfigError } from '../config/errors.js';

/** argon2id cost parameters (memory in KiB). */
export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane. */
export const DEFAULT_ARGON2: Argon2Params = { memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_BYTES = 8;
export const MAX_PASSWORD_BYTES = 1024;

/** Why a password is refused before any hashing. */
export type PasswordProblem = 'too-short' | 'too-long';

/**
 * Checks a password's length in UTF-8 bytes. Long ones are refused before
 * hashing so a megabyte password can't buy a minute of CPU.
 *
 * @example
 * if (checkPassword(body.password) === 'too-long') return badRequest();
 */
export function checkPassword(password: string): PasswordProblem | null {
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes < MIN_PASSWORD_BYTES) return 'too-short';
  if (bytes > MAX_PASSWORD_BYTES) return 'too-long';
  return null;
}

/**
 * argon2id hashing off the event loop (libuv's thread pool) with bounded
 * concurrency: at most as many hashes run at once as the process has CPUs,
 * the rest wait in line, so a login flood can't starve the event loop.
 *
 * @example
 * const hasher = new PasswordHasher();
 * const hash = await hasher.hash('correct horse battery staple');
 * await hasher.verify(hash, 'correct horse battery staple'); // true
 */
export class PasswordHasher {
  readonly params: Argon2Params;
  private readonly limit: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private dummy: Promise<string> | undefined;

  constructor(params: Partial<Argon2Params> = {}, concurrency = availableParallelism()) {
    this.params = { ...DEFAULT_ARGON2, ...params };
    if (this.params.memoryCost < 8 * this.params.parallelism || this.params.timeCost < 1) {
      throw new ConfigError(
        'ERR_CONFIG_INVALID',
        'argon2 parameters are too small: memoryCost must be at least 8 × parallelism, timeCost at least 1',
      );
    }
    this.limit = Math.max(1, concurrency);
  }

  /** Hashes a password with the configured parameters. */
  hash(password: string): Promise<string> {
    return this.run(() => argon2.hash(password, { type: argon2.argon2id, ...this.params }));
  }

  /** True when `password` matches `hash`; false for a malformed hash too. */
  verify(hash: string, password: string): Promise<boolean> {
    return this.run(() => argon2.verify(hash, password).catch(() => false));
  }

  /**
   * Spends the same work as a real verification and returns false: used for
   * unknown emails, so they answer in the same time as wrong passwords.
   */
  async verifyDummy(password: string): Promise<false> {
    this.dummy ??= this.hash('tessera dummy password for unknown accounts');
    await this.verify(await this.dummy, password);
    return false;
  }

  /** True when a stored hash was made with other parameters and should be replaced at the next login. */
  needsRehash(hash: string): boolean {
    try {
      return argon2.needsRehash(hash, { ...this.params });
    } catch {
      return true;
    }
  }

  private async run<T>(task: () => Promise<T>): Promise<T> {
    // A finished task hands its slot straight to the next waiter, so `running` never overshoots.
    if (this.running < this.limit) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.running--;
      else next();
    }
  }
}
