// What a user gets from npm: every public package under packages/ packed with `npm pack`,
// installed from those tarballs into an empty project outside the repository (with the
// sibling tarballs it depends on, nothing else of ours), then, in that project: the README's
// Express example and @tessera/jwt example type-checked under plain `strict` and run, the
// installed `tessera serve` issuing the tokens and serving the console, and `npx @tessera/server --help`.
// better-sqlite3 installs a prebuilt binary, or compiles for about two minutes when its host is
// out of reach (as on CI here). The binary the repository's own `npm ci` made for this Node is
// handed to it as a local prebuild (prebuild-install's npm_config_<name>_local_prebuilds) when
// the versions match; otherwise it compiles, within the long timeouts below.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { call, freePort, REPO_ROOT, type RunResult, run } from './support.js';

const INSTALL_TIMEOUT_MS = 10 * 60_000;
const ADMIN = { email: 'admin@example.com', password: 'vintage lantern orbit 42' };
const USER = { email: 'user@example.com', password: 'quiet harbour maple 17' };

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  main?: string;
  types?: string;
  exports?: unknown;
  bin?: Record<string, string>;
  devDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
}

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

/** The environment of a user's shell: none of the npm_* variables `npm test` sets for its scripts. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(name) && !name.startsWith('TESSERA_') && name !== 'INIT_CWD') env[name] = value;
  }
  return { ...env, ...extra };
}

async function npm(args: string[], cwd: string, timeoutMs = 120_000, env = userEnv()): Promise<RunResult> {
  const result = await run('npm', args, {}, { cwd, timeoutMs, env });
  assert.equal(result.code, 0, `npm ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** The files a manifest points at (wildcard export patterns aside). */
function entryPoints(manifest: Manifest): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!value.includes('*')) found.push(value);
    } else if (typeof value === 'object' && value !== null) {
      for (const inner of Object.values(value)) walk(inner);
    }
  };
  walk([manifest.main, manifest.types, manifest.exports, manifest.bin]);
  return found;
}

/** The public packages: every packages/<name> whose package.json is not private. */
async function publicPackages(): Promise<Array<{ dir: string; manifest: Manifest }>> {
  const found = [];
  for (const name of (await readdir(join(REPO_ROOT, 'packages'))).sort()) {
    const dir = join('packages', name);
    const manifest = await readJson<Manifest>(join(REPO_ROOT, dir, 'package.json')).catch(() => undefined);
    if (manifest !== undefined && manifest.private !== true) found.push({ dir, manifest });
  }
  return found;
}

/**
 * A prebuild-install "local prebuild" of better-sqlite3 from the repository's node_modules
 * (same version, built by `npm ci` for this Node): the variable that points it there.
 */
async function localPrebuilds(): Promise<NodeJS.ProcessEnv> {
  const source = join(REPO_ROOT, 'node_modules', 'better-sqlite3');
  const binary = join(source, 'build', 'Release', 'better_sqlite3.node');
  if (!(await stat(binary).catch(() => undefined))?.isFile()) return {};
  const { version } = await readJson<Manifest>(join(source, 'package.json'));
  const dir = join(work, 'prebuilds');
  await mkdir(dir, { recursive: true });
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  const tar = await run('tar', ['-czf', join(dir, name), '-C', source, 'build/Release/better_sqlite3.node']);
  assert.equal(tar.code, 0, tar.stderr);
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}

let work = '';
let project = '';
const tarballs: string[] = [];

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'tessera-outside-'));
  project = join(work, 'project');
  await mkdir(join(work, 'tarballs'));
  await mkdir(join(project, 'src'), { recursive: true });
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the packed packages, installed outside the repository', {
  timeout: INSTALL_TIMEOUT_MS + 5 * 60_000,
}, () => {
  test('npm pack: each public package packs its dist, README and bin, and no sources', async () => {
    const packages = await publicPackages();
    assert.ok(packages.length >= 3, 'jwt, guard and server at least');
    const args = ['pack', '--json', '--pack-destination', join(work, 'tarballs')];
    for (const { dir } of packages) args.push('--workspace', dir);
    const packed = JSON.parse((await npm(args, REPO_ROOT)).stdout) as Array<{
      name: string;
      filename: string;
      files: Array<{ path: string; mode: number }>;
    }>;
    assert.deepEqual(packed.map((p) => p.name).sort(), packages.map((p) => p.manifest.name).sort());
    for (const { name, filename, files } of packed) {
      const paths = new Set(files.map((f) => f.path));
      const manifest = packages.find((p) => p.manifest.name === name)?.manifest;
      assert.ok(manifest !== undefined && paths.has('package.json') && paths.has('README.md'), name);
      // Everything package.json points at is in the tarball: exports, main, types and bin.
      for (const target of entryPoints(manifest)) {
        assert.ok(paths.has(target.replace(/^\.\//, '')), `${name}: ${target} is not packed`);
      }
      const stray = [...paths].filter((p) => /^(src|test)\/|\.tsbuildinfo$|\.test\.(js|d\.ts)$/.test(p));
      assert.deepEqual(stray, [], `${name} packs what users do not need`);
      for (const target of Object.values(manifest.bin ?? {})) {
        const file = files.find((f) => f.path === target.replace(/^\.\//, ''));
        assert.equal((file?.mode ?? 0) & 0o111, 0o111, `${name}: bin ${target} is not executable`);
      }
      tarballs.push(join(work, 'tarballs', filename));
    }
  });

  test('npm install of the tarballs into an empty project', { timeout: INSTALL_TIMEOUT_MS }, async () => {
    assert.ok(tarballs.length > 0, 'nothing packed');
    const root = await readJson<Manifest>(join(REPO_ROOT, 'package.json'));
    const examples = await readJson<Manifest>(join(REPO_ROOT, 'examples', 'package.json'));
    const version = (name: string) =>
      `${name}@${root.devDependencies?.[name] ?? examples.dependencies?.[name] ?? examples.devDependencies?.[name]}`;
    await writeFile(
      join(project, 'package.json'),
      `${JSON.stringify(
        {
          name: 'outside',
          private: true,
          type: 'module',
          // What `npm install-scripts approve argon2 better-sqlite3` writes (packages/server/README.md).
          allowScripts: { argon2: true, 'better-sqlite3': true },
        },
        null,
        2,
      )}\n`,
    );
    const env = userEnv(await localPrebuilds());
    const installed = await npm(
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        ...tarballs,
        version('express'),
        version('@types/express'),
        version('typescript'),
        version('@types/node'),
      ],
      project,
      INSTALL_TIMEOUT_MS,
      env,
    );
    const output = `${installed.stdout}\n${installed.stderr}`;
    // The one engine warning npm gives a user on Node 20, documented in packages/server/README.md.
    const engines = [...output.matchAll(/package: '([^']+)'/g)].map((m) => m[1]);
    assert.deepEqual(
      engines.filter((pkg) => !/^cookie@2\./.test(pkg ?? '')),
      [],
      `unexpected engine warnings:\n${output}`,
    );
    for (const { manifest } of await publicPackages()) {
      const got = await readJson<Manifest>(join(project, 'node_modules', manifest.name, 'package.json'));
      assert.equal(got.version, manifest.version, manifest.name);
    }
  });

  test('the README examples type-check under strict in that project', { timeout: 120_000 }, async () => {
    await copyFile(join(REPO_ROOT, 'examples', 'guard-express.ts'), join(project, 'src', 'api.ts'));
    await copyFile(join(REPO_ROOT, 'examples', 'jwt-sign-verify.ts'), join(project, 'src', 'jwt.ts'));
    const tsconfig = {
      compilerOptions: {
        strict: true,
        target: 'ES2022',
        module: 'NodeNext',
        outDir: 'out',
        rootDir: 'src',
        types: ['node'],
      },
      include: ['src'],
    };
    await writeFile(join(project, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
    const tsc = await run(
      process.execPath,
      [join(project, 'node_modules', 'typescript', 'bin', 'tsc')],
      {},
      {
        cwd: project,
        timeoutMs: 120_000,
      },
    );
    assert.equal(tsc.code, 0, `tsc --strict:\n${tsc.stdout}${tsc.stderr}`);
  });

  test('the @tessera/jwt example runs', async () => {
    const jwt = await run(process.execPath, [join(project, 'out', 'jwt.js')], {}, { cwd: project });
    assert.equal(jwt.code, 0, jwt.stderr);
    assert.equal(jwt.stdout.trim(), 'user-123 admin');
  });

  test('npx @tessera/server and the tessera bin answer --help', async () => {
    for (const args of [
      ['--no-install', '@tessera/server', '--help'],
      ['--no-install', 'tessera', '--help'],
    ]) {
      const help = await run('npx', args, {}, { cwd: project, env: userEnv() });
      assert.equal(help.code, 0, `npx ${args.join(' ')}: ${help.stderr}`);
      assert.match(help.stdout, /^Usage: tessera /m);
    }
  });

  test('the installed server issues tokens that the Express example checks', {
    timeout: 120_000,
  }, async () => {
    const server = await startInstalledServer(join(work, 'data'));
    let api: ChildProcess | undefined;
    try {
      // The console ships inside the server's tarball: served at / with its CSP and its assets.
      const index = await fetch(`${server.url}/`);
      assert.equal(index.status, 200);
      assert.match(index.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      const script = /src="(\/assets\/app-[\w-]+\.js)"/.exec(await index.text())?.[1];
      assert.ok(script !== undefined, 'the console index names its script');
      assert.equal((await fetch(`${server.url}${script}`)).status, 200);

      const register = await call(`${server.url}/auth/register`, { method: 'POST', body: USER });
      assert.equal(register.status, 201, register.text);
      const userId = (register.body as { id: string }).id;
      const user = await token(server.url, USER);
      const admin = await token(server.url, ADMIN);

      // Browser mode: @fastify/cookie with the cookie package a user's install resolves.
      const browser = await fetch(`${server.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tessera-client': 'browser' },
        body: JSON.stringify(USER),
      });
      assert.equal(browser.status, 200);
      const cookie = (browser.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      assert.match(cookie, /^__Host-tessera_refresh=./);
      const refreshed = await fetch(`${server.url}/auth/refresh`, {
        method: 'POST',
        headers: { cookie, origin: server.url },
      });
      assert.equal(refreshed.status, 200, await refreshed.clone().text());

      const port = await freePort();
      api = spawn(process.execPath, [join(project, 'out', 'api.js')], {
        cwd: project,
        env: userEnv({ TESSERA_ISSUER: server.url, PORT: String(port) }),
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      const url = `http://127.0.0.1:${port}`;
      const profile = await eventually(() => call(`${url}/profile`, { token: user }));
      assert.equal(profile.status, 200, profile.text);
      assert.deepEqual(profile.body, { user: userId, roles: ['user'] });
      assert.equal((await call(`${url}/profile`)).status, 401);
      assert.equal((await call(`${url}/users/1`, { method: 'DELETE', token: user })).status, 403);
      assert.equal((await call(`${url}/users/1`, { method: 'DELETE', token: admin })).status, 204);
    } finally {
      if (api !== undefined) await stop(api);
      await server.stop();
    }
  });
});

async function token(url: string, who: { email: string; password: string }): Promise<string> {
  const res = await call(`${url}/auth/login`, { method: 'POST', body: who });
  assert.equal(res.status, 200, res.text);
  return (res.body as { access_token: string }).access_token;
}

async function eventually<T>(attempt: () => Promise<T>, deadlineMs = 30_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** `tessera users add` and `tessera serve` through the project's node_modules/.bin/tessera. */
async function startInstalledServer(dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const bin = join(project, 'node_modules', '.bin', 'tessera');
  const config = join(dataDir, 'config.json');
  await mkdir(dataDir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const settings = { port, issuer: `http://127.0.0.1:${port}`, argon2: { memoryCost: 1024, timeCost: 1 } };
    await writeFile(config, JSON.stringify({ ...settings, logLevel: 'warn' }));
    const store = ['--data-dir', dataDir, '--config', config];
    if (attempt === 1) {
      const add = await run(
        'sh',
        [
          '-c',
          `printf '%s' "$PASSWORD" | "$0" users add "$EMAIL" --role admin --password-stdin "$@"`,
          bin,
          ...store,
        ],
        {},
        { cwd: project, env: userEnv({ EMAIL: ADMIN.email, PASSWORD: ADMIN.password }) },
      );
      assert.equal(add.code, 0, `tessera users add: ${add.stderr}`);
    }
    const child = spawn(bin, ['serve', ...store], {
      cwd: project,
      env: userEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    const listening = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 60_000);
      child.stdout.on('data', () => {
        if (/listening on http/.test(output)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (listening) return { url: settings.issuer, stop: () => stop(child) };
    await stop(child);
    if (attempt >= 3 || !/EADDRINUSE/.test(output))
      throw new Error(`tessera serve did not start:\n${output}`);
  }
}
