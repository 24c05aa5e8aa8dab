import path from 'node:path';
import { integerFromEnv, parseEnv, SharedEnv } from '@modelgate/contracts';
import { z } from 'zod';

export const ApiEnv = z.object({
  ...SharedEnv,
  MODELGATE_API_HOST: z.string().min(1).default('127.0.0.1'),
  MODELGATE_API_PORT: integerFromEnv(0, 65535).default(4000),
  /** Largest model file accepted; bigger uploads get 413 and leave nothing behind. */
  MODELGATE_MAX_UPLOAD_BYTES: integerFromEnv(1, Number.MAX_SAFE_INTEGER).default(2 * 1024 ** 3),
  /** Largest JSON request body (predict payloads); a 224×224×3 image as JSON is ~3 MB. */
  MODELGATE_MAX_BODY_BYTES: integerFromEnv(1024, 1024 ** 3).default(32 * 1024 ** 2),
  /** A model whose validation (loading it in onnxruntime) takes longer is refused. */
  /** The first admin, created on first start when no user exists (change the password in production). */
  MODELGATE_ADMIN_EMAIL: z.email().default('admin@modelgate.local'),
  MODELGATE_ADMIN_PASSWORD: z.string().min(8, 'at least 8 characters').default('modelgate-admin'),
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
