import type { TSchema } from '@sinclair/typebox';
import { CONFIG_SCHEMA } from './schema.js';

/** `TESSERA_*` variables that are not settings: the config file path, first-admin bootstrap, debugging. */
export const NON_CONFIG_ENV = [
  'TESSERA_CONFIG',
  'TESSERA_ADMIN_EMAIL',
  'TESSERA_ADMIN_PASSWORD',
  'TESSERA_DEBUG',
] as const;

/** A setting that is not an object: its key path, its environment variable and its schema. */
export interface ConfigLeaf {
  path: string[];
  key: string;
  env: string;
  schema: TSchema;
}

let leaves: ConfigLeaf[] | undefined;

/**
 * Every setting of the schema, in schema order, with its environment variable.
 *
 * @example
 * configLeaves().find((l) => l.key === 'port')?.env; // 'TESSERA_PORT'
 */
export function configLeaves(): readonly ConfigLeaf[] {
  if (leaves === undefined) {
    leaves = [];
    const walk = (schema: TSchema, path: string[]) => {
      if (schema.type === 'object' && schema.properties !== undefined) {
        for (const [name, inner] of Object.entries(schema.properties as Record<string, TSchema>)) {
          walk(inner, [...path, name]);
        }
      } else {
        const key = path.join('.');
        (leaves as ConfigLeaf[]).push({ path, key, env: envNameOf(key), schema });
      }
    };
    walk(CONFIG_SCHEMA, []);
  }
  return leaves;
}

/**
 * The environment variable of a key path: `TESSERA_` and the path in upper snake case.
 *
 * @example
 * envNameOf('rateLimits.loginPerIp.max'); // 'TESSERA_RATE_LIMITS_LOGIN_PER_IP_MAX'
 */
export function envNameOf(key: string): string {
  return `TESSERA_${key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replaceAll('.', '_')
    .toUpperCase()}`;
}

const TRUE = /^(true|yes|on|1)$/i;
const FALSE = /^(false|no|off|0)$/i;

/**
 * Turns a variable's text into the value its schema expects, when it can: numbers, booleans,
 * comma-separated lists. Text that fits no member is returned as is, so validation names the
 * variable and says what it must be.
 *
 * @example
 * parseEnvValue(Type.Integer(), '4000'); // 4000
 */
export function parseEnvValue(schema: TSchema, raw: string): unknown {
  const text = raw.trim();
  const members: TSchema[] = schema.anyOf ?? [schema];
  const types = new Set(members.map((m) => m.type as string | undefined));
  if (types.has('array')) {
    return text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
  if (types.has('boolean')) {
    // A hop count of 1 is a number where numbers are allowed (trustProxy), not `true`.
    const numeric = (types.has('integer') || types.has('number')) && /^\d+$/.test(text);
    if (!numeric && TRUE.test(text)) return true;
    if (!numeric && FALSE.test(text)) return false;
  }
  if ((types.has('integer') || types.has('number')) && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}
