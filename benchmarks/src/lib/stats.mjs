// Small statistics helpers shared by the benchmark suites.

export function median(values) {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** min, max and median of a list of round figures, plus the spread around the median. */
export function summarize(values) {
  const med = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return {
    n: values.length,
    median: med,
    min,
    max,
    lowPct: ((min - med) / med) * 100,
    highPct: ((max - med) / med) * 100,
  };
}
