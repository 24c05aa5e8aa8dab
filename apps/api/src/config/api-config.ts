import os from 'node:os';
import path from 'node:path';
import { integerFromEnv, parseEnv, Password, SharedEnv } from '@modelgate/contracts';
import { z } from 'zod';

export const ApiEnv = z.object({
  ...SharedEnv,
  MODELGATE_API_HOST: z.string().min(1).default('127.0.0.1'),
  MODELGATE_API_PORT: integerFromEnv(0, 65535).default(4000),
  /** Largest model file accepted; bigger uploads get 413 and leave nothing behind. */
  MODELGATE_MAX_UPLOAD_BYTES: integerFromEnv(1, Number.MAX_SAFE_INTEGER).default(2 * 1024 ** 3),
  /** Largest JSON request body (predict payloads); a 224×224×3 image as JSON is ~3 MB. */
  MODELGATE_MAX_BODY_BYTES: integerFromEnv(1024, 1024 ** 3).default(32 * 1024 ** 2),
  /** The first admin, created on first start when no user exists (change the password in production). */
  MODELGATE_ADMIN_EMAIL: z.email().default('admin@modelgate.local'),
  MODELGATE_ADMIN_PASSWORD: Password.default('modelgate-admin'),
  /** Dashboard sign-ins last this long (absolute; signing out or disabling the user ends them sooner). */
  MODELGATE_SESSION_TTL_HOURS: integerFromEnv(1, 24 * 90).default(12),
  /** Mark session cookies Secure (sent over HTTPS only). Turn on when the dashboard is served over TLS. */
  MODELGATE_COOKIE_SECURE: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
  /** Which proxies' X-Forwarded-For to believe for the client IP (audit log, login throttling): a Fastify trustProxy value. */
  MODELGATE_TRUST_PROXY: z.string().min(1).default('loopback'),
  /** Default token bucket for every API key and personal token (a key's own rateLimit overrides it). */
  MODELGATE_RATE_LIMIT_PER_SEC: z.coerce.number().positive().max(1_000_000).default(100),
  MODELGATE_RATE_LIMIT_BURST: integerFromEnv(1, 10_000_000).default(200),
  /** Failed sign-ins allowed per account, and per client IP, in any 15 minutes before 429. */
  MODELGATE_LOGIN_ATTEMPTS_PER_ACCOUNT: integerFromEnv(1, 1_000_000).default(10),
  MODELGATE_LOGIN_ATTEMPTS_PER_IP: integerFromEnv(1, 1_000_000).default(100),
  /**
   * Batches of one endpoint version in flight at once in this process (gateway runs, or jobs to
   * workers): one per core keeps the cores busy; batches form when all are taken.
   */
  MODELGATE_RUNS_IN_FLIGHT: integerFromEnv(1, 256).default(Math.max(2, os.availableParallelism())),
  /** How long the outcome of an `?async=true` prediction is kept for GET /v1/predictions/{id}. */
  /** Record per-request latency and outcome counts (rollups and /metrics prediction series); off only to measure what recording costs. */
  MODELGATE_METRICS_RECORDING: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  /** How often each API process adds its in-memory counts into the per-minute rollup rows. */
  MODELGATE_METRICS_FLUSH_MS: integerFromEnv(100, 60_000).default(5000),
  MODELGATE_ASYNC_RESULT_TTL_SEC: integerFromEnv(10, 30 * 86_400).default(3600),
  /** A model whose validation (loading it in onnxruntime) takes longer is refused. */
  MODELGATE_VALIDATION_TIMEOUT_MS: integerFromEnv(1000, 3_600_000).default(120_000),
  /** Memory the validating process may use; onnxruntime needs a few times a model's size to load it. */
  MODELGATE_VALIDATION_MEMORY_MB: integerFromEnv(64, 1024 * 1024).default(8192),
});

export type ApiConfig = z.infer<typeof ApiEnv> & { artifactsDir: string; uploadsDir: string };

export const API_CONFIG = Symbol('ApiConfig');

export function loadApiConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  const parsed = parseEnv(ApiEnv, env);
  const dataDir = path.resolve(parsed.MODELGATE_DATA_DIR);
  return {
    ...parsed,
    MODELGATE_DATA_DIR: dataDir,
    artifactsDir: path.join(dataDir, 'artifacts'),
    uploadsDir: path.join(dataDir, 'uploads'),
  };
}
