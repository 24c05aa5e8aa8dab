#!/usr/bin/env node
import { createCliContext } from './cli-context.js';
import { runCli } from './run-cli.js';

// `modelgate models list | head -1` closes stdout early: that is the reader being done, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv, createCliContext(process.stdout, process.stderr, process.stdin, process.env));
