import { availableParallelism } from 'node:os';
import argon2 from 'argon2';
import { ConfigError } from '../config/errors.js';
import { isCommonPassword } from './common-passwords.js';

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

/**
 * Why a password is refused: `too-short` / `too-long` (outside 8–1024 UTF-8 bytes), `too-common`
 * (in the shipped list of breached passwords), `contains-email` (equal to or containing the
 * local part of the account's email).
 */
export type PasswordProblem = 'too-short' | 'too-long' | 'too-common' | 'contains-email';

/**
 * Checks a password's length in UTF-8 bytes only: what login needs (long ones are refused before
 * hashing so a megabyte password can't buy a minute of CPU). New passwords go through
 * {@link checkNewPassword}.
 *
 * @example
 * if (checkPassword(body.password) === 'too-long') return badRequest();
 */
export function checkPassword(password: string): 'too-short' | 'too-long' | null {
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes < MIN_PASSWORD_BYTES) return 'too-short';
  if (bytes > MAX_PASSWORD_BYTES) return 'too-long';
  return null;
}

/**
 * The one check of every new password (registration, password change, `tessera users add`, and
 * any admin path that sets a password): 8–1024 bytes, not in the list of breached passwords
 * (case ignored), and not equal to or containing the local part of the account's email (or its
 * part before a `+`) when that is 3 characters or more. Follows NIST SP 800-63B §5.1.1.2: a
 * blocklist and context words, no composition rules.
 *
 * @example
 * const problem = checkNewPassword(body.password, { email: 'ada@example.com' });
 * if (problem !== null) return badRequest(describePasswordProblem(problem));
 */
export function checkNewPassword(password: string, context: { email?: string } = {}): PasswordProblem | null {
  const length = checkPassword(password);
  if (length !== null) return length;
  if (isCommonPassword(password)) return 'too-common';
  if (context.email !== undefined && containsEmailName(password, context.email)) return 'contains-email';
  return null;
}

function containsEmailName(password: string, email: string): boolean {
  const at = email.lastIndexOf('@');
  const local = (at < 0 ? email : email.slice(0, at)).trim().normalize('NFC').toLowerCase();
  const candidates = [local, local.split('+')[0] ?? ''].filter((name) => [...name].length >= 3);
  const folded = password.normalize('NFC').toLowerCase();
  return candidates.some((name) => folded.includes(name));
}

/** Every {@link PasswordProblem}, as listed in docs/errors.md. */
export const PASSWORD_PROBLEMS: readonly PasswordProblem[] = [
  'too-short',
  'too-long',
  'too-common',
  'contains-email',
];

const PROBLEM_TEXT: Record<PasswordProblem, string> = {
  'too-short': `password is too short: at least ${MIN_PASSWORD_BYTES} bytes`,
  'too-long': `password is too long: at most ${MAX_PASSWORD_BYTES} bytes`,
  'too-common': 'password is too common (found in a list of breached passwords)',
  'contains-email': "password must not contain the email's name",
};

/**
 * The sentence that tells a user why a password was refused (HTTP 400 descriptions and the CLI).
 * It never quotes the password.
 *
 * @example
 * describePasswordProblem('too-common'); // 'password is too common (found in a list of breached passwords)'
 */
export function describePasswordProblem(problem: PasswordProblem): string {
  return PROBLEM_TEXT[problem];
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
