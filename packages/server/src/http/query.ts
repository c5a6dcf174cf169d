/**
 * A non-negative integer in a query string. Query values always arrive as
 * strings and the app's Ajv never coerces types (so that `"123"` in a JSON body
 * is not a number), so the schema matches digits and {@link queryInteger}
 * converts them. Up to 16 digits: a revocation cursor of the Redis store is Redis's clock in
 * microseconds (16 digits since 2001), and {@link queryInteger} clamps to the safe range.
 */
export const digits = { type: 'string', pattern: '^[0-9]{1,16}$' } as const;

/**
 * A revocation-feed cursor in a query string: up to 16 digits (the Redis store's cursors are
 * microsecond timestamps, 16 digits), checked to be a safe integer by {@link queryCursor}.
 */
export const cursorDigits = { type: 'string', pattern: '^[0-9]{1,16}$' } as const;

/**
 * A feed cursor that {@link cursorDigits} accepted (or a `Last-Event-ID`), as a number;
 * undefined when absent, null when it is not a cursor (not digits, or beyond 2^53 - 1).
 *
 * @example
 * const after = queryCursor(request.query.after) ?? 0;
 */
export function queryCursor(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,16}$/.test(value)) return null;
  const cursor = Number(value);
  return Number.isSafeInteger(cursor) ? cursor : null;
}

/**
 * The value of a query parameter that {@link digits} accepted, clamped into
 * `[min, max]`; undefined when the parameter is absent.
 *
 * @example
 * const limit = queryInteger(request.query.limit, { min: 1, max: 500 }) ?? 100;
 */
export function queryInteger(
  value: string | undefined,
  range: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  return Math.min(range.max, Math.max(range.min, Number(value)));
}
