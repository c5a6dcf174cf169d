import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

// Runs against the built package (npm test builds first): what users import by name.
test('every subpath of the exports map resolves and exports what the README shows', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.deepEqual(Object.keys(pkg.exports), [
    '.',
    './express',
    './fastify',
    './hono',
    './node',
    './passport',
    './graphql-ws',
    './package.json',
  ]);
  const main = await import('@tessera/guard');
  assert.equal(typeof main.createGuard, 'function');
  assert.equal(typeof main.GuardError, 'function');
  assert.equal(typeof main.GUARD_ERROR_CODES, 'object');
  const express = await import('@tessera/guard/express');
  assert.deepEqual(Object.keys(express).sort(), [
    'authOf',
    'requireAuth',
    'requirePermission',
    'requireRole',
    'requireScope',
  ]);
  const fastify = await import('@tessera/guard/fastify');
  assert.deepEqual(Object.keys(fastify), ['tesseraGuard']);
  const hono = await import('@tessera/guard/hono');
  assert.deepEqual(Object.keys(hono), ['guardMiddleware']);
  const node = await import('@tessera/guard/node');
  assert.deepEqual(Object.keys(node).sort(), ['authenticateRequest', 'sendGuardError', 'withAuth']);
  const passport = await import('@tessera/guard/passport');
  assert.deepEqual(Object.keys(passport), ['TesseraStrategy']);
  const graphqlWs = await import('@tessera/guard/graphql-ws');
  assert.deepEqual(Object.keys(graphqlWs), ['graphqlWsGuard']);
  // One GuardError class across subpaths: adapters' instanceof checks hold for the user's import.
  const { GuardError } = main;
  const guard = main.createGuard({
    issuer: 'i',
    audience: 'a',
    algorithms: ['EdDSA'],
    keys: (await import('@tessera/jwt')).generateKeyPair('EdDSA').publicKey,
  });
  assert.throws(() => guard.check(undefined), GuardError);
});
