#!/usr/bin/env node
import { CliError, describeError } from './errors.js';
import { createProgram } from './program.js';

createProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`tessera: ${describeError(err)}\n`);
    if (process.env.TESSERA_DEBUG && err instanceof Error && err.stack) {
      process.stderr.write(`${err.stack}\n`);
    }
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
  });
