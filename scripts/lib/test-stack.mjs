// The built api and worker as child processes, isolated for one test run: a fresh database cloned
// from the migrated template, a Redis prefix and a data directory of their own. Used by the
// browser tests and by the CLI's tests; apps/api's integration tests run the API in-process.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '@modelgate/db/testing';
import { ProcessGroup, waitForHttp } from './processes.mjs';
import { repoRoot } from './pnpm.mjs';
import { issuePersonalToken } from './sign-in.mjs';

export { repoRoot };

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The first admin every test stack starts with (created by the API on its first start). */
export const TEST_ADMIN = { email: 'admin@modelgate.test', password: 'test-admin-password' };

/**
 * Starts api + worker; `apiPort` defaults to a free port, `nodeArgs` go to both node processes
 * (e.g. `--cpu-prof`). Returns the env the apps got (so a
 * caller can start the dashboard against it), the API URL, the first admin's credentials and a
 * personal token of theirs (`adminToken`), and `stop()`, which also drops the database and the
 * data directory.
 */
export async function startStack({ apiPort, quiet = true, env: extraEnv = {}, nodeArgs = [] } = {}) {
  const missing = ['apps/api/dist/main.js', 'apps/worker/dist/main.js'].filter((built) => !existsSync(path.join(repoRoot, built)));
  if (missing.length) {
    throw new Error(`the test stack runs the built apps and ${missing.join(', ')} is missing: run \`pnpm exec turbo run build\` first`);
  }
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'modelgate-stack-'));
  const port = apiPort ?? (await freePort());
  const apiUrl = `http://127.0.0.1:${port}`;
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    MODELGATE_REDIS_PREFIX: `mgstack-${randomBytes(6).toString('hex')}`,
    MODELGATE_DATA_DIR: dataDir,
    MODELGATE_API_PORT: String(port),
    MODELGATE_LOG_LEVEL: 'warn',
    MODELGATE_WORKER_RESYNC_MS: '500',
    // Latency rollups reach PostgreSQL within a second, so pages show traffic a test just sent.
    MODELGATE_METRICS_FLUSH_MS: '1000',
    MODELGATE_ROLLOUT_CHECK_MS: '500',
    MODELGATE_API_URL: apiUrl,
    MODELGATE_ADMIN_EMAIL: TEST_ADMIN.email,
    MODELGATE_ADMIN_PASSWORD: TEST_ADMIN.password,
    ...extraEnv,
  };
  const group = new ProcessGroup({ quiet, exitWithParent: false });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await group.stopAll();
    await database.drop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    group.start('api', 'node', [...nodeArgs, 'dist/main.js'], { cwd: path.join(repoRoot, 'apps/api'), env });
    group.start('worker', 'node', [...nodeArgs, 'dist/main.js'], { cwd: path.join(repoRoot, 'apps/worker'), env });
    await waitForHttp(`${apiUrl}/readyz`, { what: 'the API', timeoutMs: 60_000 });
    const admin = await issuePersonalToken(apiUrl, { email: env.MODELGATE_ADMIN_EMAIL, password: env.MODELGATE_ADMIN_PASSWORD, name: 'test stack' });
    return { env, apiUrl, group, stop, adminEmail: env.MODELGATE_ADMIN_EMAIL, adminPassword: env.MODELGATE_ADMIN_PASSWORD, adminToken: admin.secret };
  } catch (error) {
    await stop();
    throw error;
  }
}
