import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

// Runs against the built package (npm test builds first): what users import by name.
test('every subpath of the exports map resolves and exports what the README shows', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.deepEqual(Object.keys(pkg.exports), ['.', './axios', './graphql-ws', './dpop', './package.json']);
  assert.equal(pkg.dependencies, undefined, 'no runtime dependencies');
  const main = await import('@tessera/client');
  assert.deepEqual(Object.keys(main).sort(), ['TesseraClientError', 'createClient', 'isInvalidToken']);
  assert.deepEqual(Object.keys(await import('@tessera/client/axios')), ['attachAxios']);
  assert.deepEqual(Object.keys(await import('@tessera/client/graphql-ws')), ['graphqlWsAuth']);
  assert.deepEqual(Object.keys(await import('@tessera/client/dpop')).sort(), [
    'dpop',
    'indexedDbKeyStore',
    'memoryKeyStore',
  ]);
});
