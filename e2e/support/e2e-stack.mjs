#!/usr/bin/env node
// The whole product for browser tests, isolated like the integration tests: a fresh database
// cloned from the migrated template, its own Redis prefix and data directory, then the built api,
// worker and dashboard (next start). Playwright starts this as its webServer and stops it after.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '@modelgate/db/testing';
import { ProcessGroup, waitForHttp } from '../../scripts/lib/processes.mjs';
import { repoRoot } from '../../scripts/lib/pnpm.mjs';
import { E2E_API_PORT, E2E_WEB_PORT } from './ports.mjs';

const database = await createTestDatabase();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'modelgate-e2e-'));
const env = {
  DATABASE_URL: database.url,
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  MODELGATE_REDIS_PREFIX: `mge2e-${randomBytes(6).toString('hex')}`,
  MODELGATE_DATA_DIR: dataDir,
  MODELGATE_API_PORT: String(E2E_API_PORT),
  MODELGATE_LOG_LEVEL: 'warn',
  MODELGATE_WORKER_RESYNC_MS: '500',
  MODELGATE_API_URL: `http://127.0.0.1:${E2E_API_PORT}`,
};

const group = new ProcessGroup();
let cleaned = false;
async function cleanUp() {
  if (cleaned) return;
  cleaned = true;
  await database.drop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanUp().finally(() => group.stop(0));
  });
}

group.start('api', 'node', ['dist/main.js'], { cwd: path.join(repoRoot, 'apps/api'), env });
group.start('worker', 'node', ['dist/main.js'], { cwd: path.join(repoRoot, 'apps/worker'), env });
await waitForHttp(`${env.MODELGATE_API_URL}/readyz`, { what: 'the API' });
group.start('web', 'node', ['node_modules/next/dist/bin/next', 'start', '-p', String(E2E_WEB_PORT), '-H', '127.0.0.1'], {
  cwd: path.join(repoRoot, 'apps/web'),
  env,
});
