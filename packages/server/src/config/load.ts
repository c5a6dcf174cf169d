import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import { configLeaves, envNameOf, NON_CONFIG_ENV, parseEnvValue } from './env.js';
import { ConfigError } from './errors.js';
import { CONFIG_SCHEMA, type ConfigOverrides, type TesseraConfig } from './schema.js';
import { checkTrustProxy } from './trust-proxy.js';

type Json = Record<string, unknown>;

/** Where each key of the merged configuration came from: the label an error names. */
type Provenance = Map<string, string>;

/**
 * The defaults: `tessera serve` with no configuration at all.
 *
 * @example
 * defaultConfig().port; // 3000
 */
export function defaultConfig(): TesseraConfig {
  return finish(Value.Default(CONFIG_SCHEMA, {}) as Json, new Map());
}

/**
 * Builds the configuration: defaults, then the JSON config file, then `TESSERA_*` environment
 * variables, then explicit overrides (CLI flags). Nested objects merge key by key. Unknown keys,
 * wrong types and out-of-range values throw a {@link ConfigError} naming the key and the file,
 * variable or option it came from.
 *
 * @example
 * const config = loadConfig({ port: 4000 }, process.env);
 */
export function loadConfig(
  overrides: ConfigOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
): TesseraConfig {
  const { configFile: fileOption, ...flags } = overrides;
  const configFile = fileOption ?? (env.TESSERA_CONFIG || undefined);
  const provenance: Provenance = new Map();
  const merged = Value.Default(CONFIG_SCHEMA, {}) as Json;
  if (configFile !== undefined) {
    const label = `in the config file ${configFile}`;
    mergeInto(merged, readConfigFile(configFile), '', label, provenance);
  }
  mergeInto(merged, fromEnv(env), '', undefined, provenance);
  mergeInto(merged, stripUndefined(flags as Json), '', 'as an option', provenance);
  return finish(merged, provenance);
}

/** Validates the merged object, derives the computed defaults and checks settings against each other. */
function finish(merged: Json, provenance: Provenance): TesseraConfig {
  const error = Value.Errors(CONFIG_SCHEMA, merged).First();
  if (error !== undefined) {
    const parts = error.path.split('/').slice(1);
    // allowedOrigins/0 reads as allowedOrigins[0]; arrays come whole from one source.
    const key = parts
      .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
      .join('')
      .slice(1);
    const where = sourceOf(provenance, parts.filter((part) => !/^\d+$/.test(part)).join('.'));
    if (error.type === ValueErrorType.ObjectAdditionalProperties) {
      throw new ConfigError('ERR_CONFIG_UNKNOWN_KEY', `unknown setting ${key}${where}`);
    }
    const custom = (error.schema as { errorMessage?: string }).errorMessage;
    const message = custom ?? error.message.replace(/^Expected/, 'must be');
    throw new ConfigError('ERR_CONFIG_INVALID', `${key} ${message}${where}`);
  }
  const config = merged as TesseraConfig & { demoRoutes?: boolean };
  config.dataDir = resolve(config.dataDir);
  if (config.issuer === '') {
    // An IPv6 host needs brackets in a URL: http://[::1]:3000.
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    config.issuer = `http://${host}:${config.port}`;
  }
  config.demoRoutes ??= isLoopback(config.host);
  const fail = (key: string, message: string): never => {
    throw new ConfigError('ERR_CONFIG_INVALID', `${key} ${message}${sourceOf(provenance, key)}`);
  };
  if (!URL.canParse(config.issuer) || !/^https?:$/.test(new URL(config.issuer).protocol)) {
    fail('issuer', 'must be an http(s) URL');
  }
  if (config.refreshIdleMs > config.refreshAbsoluteMs)
    fail('refreshIdleMs', 'must be at most refreshAbsoluteMs');
  if (config.metricsPort !== undefined && config.metricsPort !== 0 && config.metricsPort === config.port)
    fail('metricsPort', 'must differ from port: /metrics has a listener of its own');
  if (config.redisUrl !== undefined && config.redisClusterNodes !== undefined)
    fail('redisClusterNodes', 'and redisUrl are exclusive: set one');
  if (config.insecureCookies && !isLoopback(config.host)) {
    fail('insecureCookies', 'is a development flag and needs a localhost host');
  }
  if (typeof config.trustProxy === 'string') {
    const problem = checkTrustProxy(config.trustProxy);
    if (problem !== undefined) fail('trustProxy', problem);
  }
  return config as TesseraConfig;
}

/** " (in the config file x)", " (from TESSERA_X)" or "" for a default. */
function sourceOf(provenance: Provenance, key: string): string {
  for (let path = key; path !== ''; path = path.slice(0, Math.max(0, path.lastIndexOf('.')))) {
    const label = provenance.get(path);
    if (label !== undefined) return ` (${label})`;
  }
  return '';
}

/** Deep-merges `source` into `target` (plain objects key by key, anything else replaced), noting provenance. */
function mergeInto(
  target: Json,
  source: Json,
  prefix: string,
  label: string | undefined,
  provenance: Provenance,
) {
  for (const [name, value] of Object.entries(source)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    const current = target[name];
    if (isPlainObject(value) && isPlainObject(current)) {
      mergeInto(current, value, key, label, provenance);
    } else {
      target[name] = isPlainObject(value) ? structuredClone(value) : value;
      provenance.set(key, label ?? `from ${envNameOf(key)}`);
    }
    if (isPlainObject(value) && !isPlainObject(current)) noteAll(value, key, label, provenance);
  }
}

function noteAll(value: Json, prefix: string, label: string | undefined, provenance: Provenance) {
  for (const [name, inner] of Object.entries(value)) {
    const key = `${prefix}.${name}`;
    provenance.set(key, label ?? `from ${envNameOf(key)}`);
    if (isPlainObject(inner)) noteAll(inner, key, label, provenance);
  }
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stripUndefined(value: Json): Json {
  const out: Json = {};
  for (const [name, inner] of Object.entries(value)) {
    if (inner === undefined) continue;
    out[name] = isPlainObject(inner) ? stripUndefined(inner) : inner;
  }
  return out;
}

/** Reads the JSON config file. Errors name the file only: its text may hold a KEK. */
function readConfigFile(path: string): Json {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError('ERR_CONFIG_FILE', `cannot read the config file ${path} (${code})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError('ERR_CONFIG_FILE', `the config file ${path} is not valid JSON`);
  }
  if (!isPlainObject(parsed))
    throw new ConfigError('ERR_CONFIG_FILE', `the config file ${path} must hold a JSON object`);
  return parsed;
}

/** The settings given as `TESSERA_*` variables; an unknown `TESSERA_*` variable is an error. */
function fromEnv(env: NodeJS.ProcessEnv): Json {
  const out: Json = {};
  const known = new Set<string>(NON_CONFIG_ENV);
  for (const leaf of configLeaves()) {
    known.add(leaf.env);
    const raw = env[leaf.env];
    if (raw === undefined || raw === '') continue;
    let target = out;
    for (const part of leaf.path.slice(0, -1)) target = (target[part] ??= {}) as Json;
    target[leaf.path.at(-1) as string] = parseEnvValue(leaf.schema, raw);
  }
  for (const name of Object.keys(env)) {
    if (name.startsWith('TESSERA_') && !known.has(name) && !name.startsWith('TESSERA_TEST_')) {
      throw new ConfigError('ERR_CONFIG_UNKNOWN_KEY', `unknown environment variable ${name}`);
    }
  }
  return out;
}

/**
 * True for hosts that only this machine can reach.
 *
 * @example
 * isLoopback('127.0.0.1'); // true
 */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}
