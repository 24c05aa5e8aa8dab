#!/usr/bin/env node
// The whole product for browser tests: the isolated api + worker stack (fresh database, Redis
// prefix, data directory) and the built dashboard (next start) in front of it. Playwright starts
// this as its webServer and stops it with SIGTERM after the tests.
import path from 'node:path';
import { repoRoot } from '../../scripts/lib/pnpm.mjs';
import { startStack } from '../../scripts/lib/test-stack.mjs';
import { E2E_API_PORT, E2E_WEB_PORT } from './ports.mjs';

const stack = await startStack({ apiPort: E2E_API_PORT, quiet: false });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stack.stop().finally(() => process.exit(0));
  });
}
stack.group.start('web', 'node', ['server.mjs'], {
  cwd: path.join(repoRoot, 'apps/web'),
  env: { ...stack.env, MODELGATE_WEB_PORT: String(E2E_WEB_PORT), MODELGATE_WEB_HOST: '127.0.0.1' },
});
