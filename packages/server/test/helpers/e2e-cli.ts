// Runs the BUILT command line (dist/cli/main.js) as a child process. Nothing here builds:
// `npm test` builds first; run `npm run build` before running these tests alone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Fails with a clear message when the package has not been built. */
export function assertBuilt(): void {
  assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
}

/** The environment of the test process without any TESSERA_* variable, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TESSERA_')) env[k] = v;
  return { ...env, ...extra };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tessera ARGS…` to completion; `input` is written to its stdin (else stdin is closed). */
export function runCli(
  args: string[],
  opts: { input?: string | Buffer; env?: Record<string, string> } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: cleanEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** A temporary directory with a config file of cheap argon2 parameters (and `extra`). */
export async function makeWorkspace(extra: Record<string, unknown> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-e2e-'));
  const configFile = join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify({ argon2: { memoryCost: 1024, timeCost: 1 }, ...extra }));
  const dataDir = join(dir, 'data');
  return {
    dir,
    dataDir,
    configFile,
    /** `--data-dir … --config …` for a command. */
    storeArgs: ['--data-dir', dataDir, '--config', configFile],
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
