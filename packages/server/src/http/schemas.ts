/**
 * A JSON-schema object that refuses members it doesn't list: a 400, not a silent drop. The app's
 * Ajv strips unknown members (`removeAdditional`), which suits the OAuth-style auth routes (RFC
 * 6749 §3.2: unknown parameters are ignored); on admin routes a typo such as `imediate` must not
 * quietly do something else. `propertyNames` is checked by Ajv whatever `removeAdditional` says,
 * and its message names no member.
 *
 * @example
 * app.post('/admin/keys/rotate', { schema: { body: closedObject({ immediate: { type: 'boolean' } }) } }, handler);
 */
export function closedObject<P extends Record<string, object>>(
  properties: P,
  required: readonly (keyof P & string)[] = [],
) {
  return {
    type: 'object',
    properties,
    ...(required.length === 0 ? {} : { required }),
    propertyNames: { enum: Object.keys(properties) },
  } as const;
}

/** Role and permission lists of the admin API. */
export const nameList = {
  type: 'array',
  maxItems: 64,
  items: { type: 'string', minLength: 1, maxLength: 64 },
} as const;

/** A user id in a path. */
export const userIdParams = {
  type: 'object',
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;
