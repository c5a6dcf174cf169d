// Summarize a V8 .cpuprofile (from `node --cpu-prof`, e.g. a bench run with
// BENCH_CPU_PROF=dir): self time by function and by package.
//
//   node src/lib/profile-summary.mjs results/profiles/tessera-serve.cpuprofile [top=25]
import { readFileSync } from 'node:fs';

/** The package (or area) a script URL belongs to. */
export function areaOf(url) {
  if (!url) return '(native / V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const pkg = /\/packages\/([^/]+)\//.exec(url);
  if (pkg) return `@tessera/${pkg[1]}`;
  if (url.startsWith('node:')) return 'node core';
  return url.replace(/^file:\/\//, '');
}

/** { totalMs, byFunction: [{ name, where, selfMs, pct }], byArea: [{ area, selfMs, pct }] } */
export function summarizeProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0));
  }
  const fn = new Map();
  const area = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    const cf = node.callFrame;
    const where = cf.url ? `${cf.url.replace(/^file:\/\//, '')}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'}\u0000${where}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const a = cf.url ? areaOf(cf.url) : cf.functionName.startsWith('(') ? cf.functionName : '(native / V8)';
    area.set(a, (area.get(a) ?? 0) + us);
    total += us;
  }
  const pct = (us) => (100 * us) / total;
  return {
    totalMs: total / 1000,
    byFunction: [...fn]
      .map(([k, us]) => {
        const [name, where] = k.split('\u0000');
        return { name, where, selfMs: us / 1000, pct: pct(us) };
      })
      .sort((a, b) => b.selfMs - a.selfMs),
    byArea: [...area]
      .map(([a, us]) => ({ area: a, selfMs: us / 1000, pct: pct(us) }))
      .sort((a, b) => b.selfMs - a.selfMs),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node src/lib/profile-summary.mjs FILE.cpuprofile [top]');
    process.exit(2);
  }
  const top = Number(process.argv[3] ?? 25);
  const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')));
  console.log(`total sampled: ${s.totalMs.toFixed(0)} ms\n\nself time by package/area:`);
  for (const a of s.byArea.slice(0, top)) console.log(`${a.pct.toFixed(1).padStart(6)}%  ${a.area}`);
  console.log('\nself time by function:');
  for (const f of s.byFunction.slice(0, top)) {
    console.log(`${f.pct.toFixed(1).padStart(6)}%  ${f.name}  ${f.where}`);
  }
}
