/**
 * A non-negative integer in a query string. Query values always arrive as
 * strings and the app's Ajv never coerces types (so that `"123"` in a JSON body
 * is not a number), so the schema matches digits and {@link queryInteger}
 * converts them. Up to 16 digits: a revocation cursor of the Redis store is Redis's clock in
 * microseconds (16 digits since 2001), and {@link queryInteger} clamps to the safe range.
 */
export const digits = { type: 'string', pattern: '^[0-9]{1,16}$' } as const;

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
