#!/usr/bin/env node
// `node scripts/pnpm.mjs <args>`: the pinned pnpm, wherever it comes from.
import { runPnpm } from './lib/pnpm.mjs';

runPnpm(process.argv.slice(2)).catch((error) => {
  console.error(error.message);
  process.exit(1);
});
