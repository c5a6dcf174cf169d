import { Value } from '@sinclair/typebox/value';
import { configLeaves } from './env.js';
import { CONFIG_SCHEMA } from './schema.js';

const UNITS: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
];

/** 1209600000 → "14 d": the largest unit that divides the value. */
function humanMs(ms: number): string | undefined {
  for (const [size, unit] of UNITS) if (ms > 0 && ms % size === 0) return `${ms / size} ${unit}`;
  return undefined;
}

/**
 * The README's configuration table, rendered from the schema: one row per setting with its
 * environment variable, default and description. `npm run docs:config` writes it into
 * packages/server/README.md, and a test checks that the README and the schema agree.
 *
 * @example
 * process.stdout.write(configTable());
 */
export function configTable(): string {
  const defaults = Value.Default(CONFIG_SCHEMA, {}) as Record<string, unknown>;
  const rows = configLeaves().map((leaf) => {
    const extra = leaf.schema as { defaultText?: string; description?: string };
    let value: unknown = defaults;
    for (const part of leaf.path) value = (value as Record<string, unknown> | undefined)?.[part];
    let shown = extra.defaultText;
    if (shown === undefined) {
      shown = `\`${JSON.stringify(value)}\``;
      const human = typeof value === 'number' && leaf.key.endsWith('Ms') ? humanMs(value) : undefined;
      if (human !== undefined) shown += ` (${human})`;
    }
    return `| \`${leaf.key}\` | \`${leaf.env}\` | ${shown} | ${extra.description ?? ''} |`;
  });
  return ['| setting | environment variable | default | meaning |', '|---|---|---|---|', ...rows, ''].join(
    '\n',
  );
}
