// Reading numeric settings from the environment, with a clear error for bad values.

/** An integer >= min from env[name], or fallback when unset or empty. */
export function envInt(name, fallback, { min = 1, env = process.env } = {}) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got ${raw}`);
  return n;
}

/** A comma-separated list of case-insensitive regular expressions; null when unset. */
export function envFilters(name, env = process.env) {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return null;
  return raw.split(',').map((s) => new RegExp(s.trim(), 'i'));
}
