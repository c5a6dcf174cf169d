// Hardening H9 (docs/security.md): world-readable database files. When the data directory
// already existed, `tessera.db` was created 0644 (SQLite's default less the umask): argon2
// hashes, sealed keys and audit addresses readable by any local user. Now the database, its
// -wal and -shm files and kek.key are 0600 whatever the directory's state and the umask, and
// `tessera serve` warns when the directory itself is open to others.
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { createSqlStore } from '../src/store/index.js';
import { assertBuilt, makeWorkspace } from './helpers/e2e-cli.js';
import { call, eventually, killAllServers, startServer } from './helpers/e2e-server.js';
import { tempDir } from './helpers/service.js';

const mode = async (path: string) => (await stat(path)).mode & 0o777;

/** Runs `action` with the umask most systems default to, as a shell started by an operator has. */
async function withUmask<T>(umask: number, action: () => Promise<T>): Promise<T> {
  const before = process.umask(umask);
  try {
    return await action();
  } finally {
    process.umask(before);
  }
}

describe('H9 database and key files are private', () => {
  after(() => killAllServers());

  it('a store opened in an existing 0755 directory under umask 022 makes every file 0600', async () => {
    const dir = await tempDir();
    after(() => dir.cleanup());
    await chmod(dir.path, 0o755);
    const filename = join(dir.path, 'tessera.db');
    const store = await withUmask(0o022, () => createSqlStore({ dialect: 'sqlite', filename }));
    try {
      await store.meta.compareAndSet('h9', null, 'written');
      for (const file of [filename, `${filename}-wal`, `${filename}-shm`]) {
        assert.equal((await mode(file)).toString(8), '600', file);
      }
    } finally {
      await store.close();
    }
  });

  it('files an older release left 0644 are tightened when opened', async () => {
    const dir = await tempDir();
    after(() => dir.cleanup());
    const filename = join(dir.path, 'tessera.db');
    await (await createSqlStore({ dialect: 'sqlite', filename })).close();
    for (const file of [filename, `${filename}-wal`]) {
      await writeFile(file, '', { flag: 'a' });
      await chmod(file, 0o644);
    }
    const store = await createSqlStore({ dialect: 'sqlite', filename });
    await store.close();
    assert.equal((await mode(filename)).toString(8), '600');
  });

  it('`tessera serve` in an existing 0755 directory: db, -wal, -shm and kek.key are 0600, and it warns once', async () => {
    assertBuilt();
    const ws = await makeWorkspace();
    after(() => ws.remove());
    await mkdir(ws.dataDir, { mode: 0o755 });
    await chmod(ws.dataDir, 0o755);
    const server = await withUmask(0o022, () => startServer(ws.storeArgs));
    try {
      assert.equal((await call(server.url, 'GET', '/healthz')).status, 200);
      for (const name of ['tessera.db', 'tessera.db-wal', 'tessera.db-shm', 'kek.key']) {
        assert.equal((await mode(join(ws.dataDir, name))).toString(8), '600', name);
      }
      // Written to stderr before "listening" on stdout; the two pipes may arrive in either order.
      await eventually('the warning', async () =>
        server.output().includes('TESSERA_DATA_DIR_OPEN') ? true : undefined,
      );
      const warnings = server
        .output()
        .split('\n')
        .filter((line) => line.includes('TESSERA_DATA_DIR_OPEN'));
      assert.equal(warnings.length, 1, server.output());
      const docs = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
      assert.ok(docs.includes('| `TESSERA_DATA_DIR_OPEN` |'), 'the warning code is documented');
      assert.match(
        warnings[0] ?? '',
        /^tessera: warning: TESSERA_DATA_DIR_OPEN: .* every local user \(mode 0755\).*chmod 700/,
      );
    } finally {
      await server.stop();
    }
  });

  it('no warning for a private data directory', async () => {
    assertBuilt();
    const ws = await makeWorkspace();
    after(() => ws.remove());
    const server = await withUmask(0o022, () => startServer(ws.storeArgs));
    try {
      assert.equal((await mode(ws.dataDir)).toString(8), '700');
      assert.doesNotMatch(server.output(), /TESSERA_DATA_DIR_OPEN/);
    } finally {
      await server.stop();
    }
  });
});
