// When were the workspace packages under test built, and is a build older than
// its sources? (The benchmarks run packages/*/dist, not the TypeScript.)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir, accept) {
  let best = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) best = Math.max(best, newest(p, accept));
    else if (accept(e.name)) best = Math.max(best, statSync(p).mtimeMs);
  }
  return best;
}

/** { [name]: { dist, src, stale } } for packages/<name> under repo (ISO times). */
export function buildInfo(repo, names) {
  const out = {};
  for (const name of names) {
    const root = join(repo, 'packages', name);
    const dist = newest(join(root, 'dist'), (f) => f.endsWith('.js'));
    const src = newest(join(root, 'src'), (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    out[name] = {
      dist: dist ? new Date(dist).toISOString() : null,
      src: src ? new Date(src).toISOString() : null,
      stale: dist === 0 || src > dist,
    };
  }
  return out;
}

/** Warning lines for stale or missing builds. */
export function buildWarnings(info) {
  return Object.entries(info)
    .filter(([, b]) => b.stale)
    .map(([name, b]) =>
      b.dist === null
        ? `packages/${name} is not built: run npm run build`
        : `packages/${name}/dist (${b.dist}) is older than its sources (${b.src}): run npm run build`,
    );
}
