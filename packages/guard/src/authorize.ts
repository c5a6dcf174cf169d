import type { AuthContext } from './auth-context.js';
import type { GuardReason } from './errors.js';
import { optionError } from './options.js';

/**
 * What a route needs: any one of `roles` (a user has one role that fits),
 * every one of `permissions` (each is a distinct right) and every one of
 * `scopes` (OAuth scopes granted to the token, as `requireScope` in RFC 6750's
 * sense). All that are given.
 */
export interface Requirement {
  roles?: readonly string[];
  permissions?: readonly string[];
  scopes?: readonly string[];
}

/** A Requirement checked once: the hot path only compares strings. */
export interface CompiledRequirement {
  readonly roles: readonly string[];
  readonly permissions: readonly string[];
  readonly scopes: readonly string[];
}

const compiled = new WeakSet<object>();

/** True for what compileRequirement returned (so a look-alike object can't skip validation). */
export function isCompiledRequirement(value: object): value is CompiledRequirement {
  return compiled.has(value);
}

/**
 * Validates a Requirement (at startup: a typo must not become an open route):
 * non-empty string lists, at least one role, permission or scope. Adapters call it
 * when their middleware is built; compile once to reuse with `guard.authorize`.
 *
 * @example
 * const adminOnly = compileRequirement({ roles: ['admin'] });
 * guard.authorize(auth, adminOnly); // throws a 403 GuardError otherwise
 */
export function compileRequirement(requirement: Requirement, where = 'requirement'): CompiledRequirement {
  if (typeof requirement !== 'object' || requirement === null || Array.isArray(requirement)) {
    throw optionError(`${where} must be an object with roles, permissions and/or scopes`);
  }
  for (const name of Object.keys(requirement)) {
    if (name !== 'roles' && name !== 'permissions' && name !== 'scopes')
      throw optionError(`${where} has an unknown member ${name}`);
  }
  const roles = names(requirement.roles, `${where}.roles`);
  const permissions = names(requirement.permissions, `${where}.permissions`);
  const scopes = names(requirement.scopes, `${where}.scopes`);
  for (const scope of scopes) {
    if (scope.includes(' '))
      throw optionError(`${where}.scopes: a scope has no spaces (give each one apart)`);
  }
  if (roles.length === 0 && permissions.length === 0 && scopes.length === 0) {
    throw optionError(`${where} needs at least one role, permission or scope`);
  }
  const result = Object.freeze({ roles, permissions, scopes });
  compiled.add(result);
  return result;
}

function names(value: unknown, where: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length === 0) throw optionError(`${where} must be a non-empty list`);
  for (const item of value) {
    if (typeof item !== 'string' || item.length === 0)
      throw optionError(`${where} must list non-empty strings`);
  }
  return Object.freeze([...value]);
}

/** Undefined when `auth` meets the requirement, else the reason it does not. */
export function unmet(auth: AuthContext, requirement: CompiledRequirement): GuardReason | undefined {
  const { roles, permissions, scopes } = requirement;
  if (roles.length > 0) {
    let any = false;
    for (const role of roles) {
      if (auth.roles.includes(role)) {
        any = true;
        break;
      }
    }
    if (!any) return 'ERR_GUARD_ROLE_MISSING';
  }
  for (const permission of permissions) {
    if (!auth.permissions.includes(permission)) return 'ERR_GUARD_PERMISSION_MISSING';
  }
  for (const scope of scopes) {
    if (!auth.scopes.includes(scope)) return 'ERR_GUARD_SCOPE_MISSING';
  }
  return undefined;
}
