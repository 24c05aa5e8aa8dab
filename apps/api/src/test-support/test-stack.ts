import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createPrismaClient, type Db } from '@modelgate/db';
import { createTestDatabase } from '@modelgate/db/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { createApiApp } from '../app.factory.js';
import { loadApiConfig, type ApiConfig } from '../config/api-config.js';
import { issuePersonalToken } from '../../../../scripts/lib/sign-in.mjs';
import { TEST_ADMIN } from '../../../../scripts/lib/test-stack.mjs';
import { http, type HttpResult } from './http.js';

export { TEST_ADMIN };

export interface TestStack {
  apiUrl: string;
  app: NestFastifyApplication;
  config: ApiConfig;
  db: Db;
  redis: Redis;
  worker: ChildProcess;
  workerLog: () => string;
  /** Another worker process on this stack (its database, Redis prefix, data directory), with `extraEnv`; stopped with the stack. */
  startWorker(extraEnv?: Record<string, string>): Promise<WorkerProcess>;
  /** A personal token of the first admin. */
  adminToken: string;
  /** JSON over real HTTP as the first admin (bearer token); headers given win. */
  api<T = any>(method: string, route: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult<T>>;
  stop(): Promise<void>;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The real thing, isolated per test file: a fresh PostgreSQL database cloned from the migrated
 * template, a Redis key prefix of its own, a temporary data directory, the API in this process
 * and the worker as a separate process (built `apps/worker/dist`), as in production.
 */
export async function startTestStack(overrides: Record<string, string> = {}): Promise<TestStack> {
  const database = await createTestDatabase();
  const prefix = `mgtest-${randomBytes(6).toString('hex')}`;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'modelgate-test-'));
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    REDIS_URL,
    MODELGATE_REDIS_PREFIX: prefix,
    MODELGATE_DATA_DIR: dataDir,
    MODELGATE_LOG_LEVEL: 'warn',
    MODELGATE_WORKER_RESYNC_MS: '500',
    MODELGATE_ADMIN_EMAIL: TEST_ADMIN.email,
    MODELGATE_ADMIN_PASSWORD: TEST_ADMIN.password,
    // Tests send hundreds of requests a second with the admin's token; rate limiting is tested
    // with keys that carry their own limits.
    MODELGATE_RATE_LIMIT_PER_SEC: '100000',
    MODELGATE_RATE_LIMIT_BURST: '100000',
    // Rollouts are judged often enough for a test to watch one finish in seconds.
    MODELGATE_ROLLOUT_CHECK_MS: '300',
    ...overrides,
  };
  const config = loadApiConfig(env);
  const app = await createApiApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const apiUrl = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';

  const { process: worker, log: workerLog } = await startWorkerProcess(env);
  const extraWorkers: ChildProcess[] = [];

  const db = createPrismaClient(database.url);
  const redis = new Redis(REDIS_URL);
  const admin = await issuePersonalToken(apiUrl, { email: config.MODELGATE_ADMIN_EMAIL, password: config.MODELGATE_ADMIN_PASSWORD, name: 'test stack' });
  return {
    apiUrl,
    adminToken: admin.secret,
    api: (method, route, body, headers = {}) => http(apiUrl, method, route, body, { ...bearer(admin.secret), ...headers }),
    app,
    config,
    db,
    redis,
    worker,
    workerLog,
    async startWorker(extraEnv = {}) {
      const started = await startWorkerProcess({ ...env, ...extraEnv });
      extraWorkers.push(started.process);
      return started;
    },
    async stop() {
      for (const extra of extraWorkers) if (extra.exitCode === null && extra.signalCode === null) extra.kill('SIGKILL');
      worker.kill('SIGTERM');
      // exitCode stays null for a process killed by a signal: check both.
      await new Promise((resolve) => (worker.exitCode !== null || worker.signalCode !== null ? resolve(null) : worker.once('exit', resolve)));
      await app.close();
      await db.$disconnect();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      await database.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface WorkerProcess {
  process: ChildProcess;
  /** Everything it printed so far. */
  log: () => string;
}

/** Starts the built worker (apps/worker/dist) with `env`; resolves once it says it is ready to serve. */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const workerMain = createRequire(import.meta.url).resolve('@modelgate/worker');
  const child = spawn(process.execPath, [workerMain], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (chunk) => (log += chunk));
  child.stderr!.on('data', (chunk) => (log += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within 30 s:\n${log}`)), 30_000);
    const check = () => {
      if (log.includes('ready: serving')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} during start:\n${log}`));
    });
  });
  return { process: child, log: () => log };
}

/** Counts files under the stack's artifact and upload directories (for "nothing left behind"). */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}
