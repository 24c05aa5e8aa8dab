import os from 'node:os';
import path from 'node:path';
import { integerFromEnv, parseEnv, SharedEnv } from '@modelgate/contracts';
import { z } from 'zod';

export const WorkerEnv = z.object({
  ...SharedEnv,
  /** Jobs one worker process runs at once per version queue. */
  MODELGATE_WORKER_CONCURRENCY: integerFromEnv(1, 256).default(4),
  /** How often the worker re-reads which versions are deployed, in case a pub/sub message was missed. */
  MODELGATE_WORKER_RESYNC_MS: integerFromEnv(100, 3_600_000).default(5_000),
  /** How often running rollouts are judged from the latency rollups. */
  MODELGATE_ROLLOUT_CHECK_MS: integerFromEnv(100, 3_600_000).default(10_000),
  MODELGATE_WORKER_ID: z.string().min(1).default(`${os.hostname()}-${process.pid}`),
});

export type WorkerConfig = z.infer<typeof WorkerEnv> & { artifactsDir: string };

export const WORKER_CONFIG = Symbol('WorkerConfig');

export function loadWorkerConfig(env: Record<string, string | undefined> = process.env): WorkerConfig {
  const parsed = parseEnv(WorkerEnv, env);
  const dataDir = path.resolve(parsed.MODELGATE_DATA_DIR);
  return { ...parsed, MODELGATE_DATA_DIR: dataDir, artifactsDir: path.join(dataDir, 'artifacts') };
}
