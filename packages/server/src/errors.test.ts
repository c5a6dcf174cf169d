import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CliError, describeError } from './cli/errors.js';
import { ConfigError } from './config/errors.js';
import { SERVER_ERROR_CODES, ServiceError, StoreError, TesseraServerError } from './errors.js';
import { HTTP_ERROR_CODES } from './http/errors.js';
import { SERVER_WARNING_CODES } from './warnings.js';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

/** The text of every `## @tessera/server…` section, each up to the next `## ` heading. */
function serverSections(): string {
  return docs
    .split(/^(?=## )/m)
    .filter((section) => section.startsWith('## @tessera/server'))
    .join('\n');
}

/** The first-column codes of the first table after `heading`. */
function tableCodes(heading: string): string[] {
  const start = docs.indexOf(heading);
  assert.ok(start >= 0, `docs/errors.md has no "${heading}"`);
  const lines = docs.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows = lines.slice(
    first,
    lines.findIndex((line, i) => i > first && !line.startsWith('|')),
  );
  return rows.flatMap((row) => /^\| `([^`]+)` \|/.exec(row)?.[1] ?? []);
}

test('every server error code is documented, and every documented ERR_ code exists', () => {
  const section = serverSections();
  for (const code of Object.keys(SERVER_ERROR_CODES)) {
    assert.ok(
      section.includes(`\`${code}\``),
      `${code} is missing from the server sections of docs/errors.md`,
    );
  }
  for (const [code] of section.matchAll(/\bERR_[A-Z0-9_]+/g)) {
    assert.ok(code in SERVER_ERROR_CODES, `docs/errors.md documents ${code}, which the server does not have`);
  }
});

test('the warnings table and SERVER_WARNING_CODES agree both ways', () => {
  assert.deepEqual(tableCodes('### Warnings').sort(), Object.keys(SERVER_WARNING_CODES).sort());
});

test('the HTTP table and HTTP_ERROR_CODES agree both ways', () => {
  assert.deepEqual(tableCodes('## @tessera/server (HTTP API)').sort(), Object.keys(HTTP_ERROR_CODES).sort());
});

test('every coded error is a TesseraServerError with its code and name (ConfigError aside)', () => {
  const errors = [
    new StoreError('ERR_STORE_CLOSED', 'closed'),
    new ServiceError('ERR_SIGNING_KEY_CONFLICT', 'again'),
    new CliError('ERR_CLI_NOT_FOUND', 'no user'),
  ];
  assert.deepEqual(
    errors.map((e) => [e instanceof TesseraServerError, e instanceof Error, e.name, e.code]),
    [
      [true, true, 'StoreError', 'ERR_STORE_CLOSED'],
      [true, true, 'ServiceError', 'ERR_SIGNING_KEY_CONFLICT'],
      [true, true, 'CliError', 'ERR_CLI_NOT_FOUND'],
    ],
  );
  assert.equal(new CliError('ERR_CLI_USAGE', 'x').exitCode, 1);
  assert.ok(new ConfigError('ERR_CONFIG_INVALID', 'x').code in SERVER_ERROR_CODES);
});

test('the CLI prints a CliError as its message, other coded errors with their code', () => {
  assert.equal(
    describeError(new CliError('ERR_CLI_NOT_FOUND', 'no user with email a@b.io')),
    'no user with email a@b.io',
  );
  assert.equal(
    describeError(new StoreError('ERR_STORE_CLOSED', 'sqlite: the store is\nclosed')),
    'ERR_STORE_CLOSED: sqlite: the store is closed',
  );
  assert.equal(describeError(new Error('plain')), 'plain');
});
