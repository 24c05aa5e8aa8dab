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
  /** Records a scoring run reads, scores and writes at a time (one SELECT and one UPDATE per chunk). */
  MODELGATE_RECORDS_CHUNK_SIZE: integerFromEnv(1, 100_000).default(1000),
  MODELGATE_WORKER_ID: z.string().min(1).default(`${os.hostname()}-${process.pid}`),
  /** Batch-file chunks one worker process scores at once. */
  MODELGATE_BATCH_CONCURRENCY: integerFromEnv(1, 64).default(2),
  /**
   * A worker holds a batch chunk under a lock it renews every half of this; a chunk whose worker
   * died (lock expired) is given to another worker at the next stalled check.
   */
  MODELGATE_BATCH_LOCK_MS: integerFromEnv(500, 3_600_000).default(30_000),
  /** How often workers look for batch chunks whose worker died (BullMQ stalled-job check). */
  MODELGATE_BATCH_STALLED_CHECK_MS: integerFromEnv(100, 3_600_000).default(30_000),
  /** How often workers look for batch jobs whose queue job Redis lost, to queue them again. */
  MODELGATE_BATCH_RECOVERY_MS: integerFromEnv(100, 3_600_000).default(60_000),
  /** Most messages one stream consumer reads (XREADGROUP COUNT) and scores as one micro-batch. */
  MODELGATE_STREAM_READ_COUNT: integerFromEnv(1, 10_000).default(100),
  /** How long a stream read waits for messages (XREADGROUP BLOCK) before looking again. */
  MODELGATE_STREAM_BLOCK_MS: integerFromEnv(10, 60_000).default(1_000),
  /**
   * A message delivered to another consumer and not acknowledged for this long is claimed
   * (XAUTOCLAIM): its worker died. Live consumers renew what they hold, so only the dead lose it.
   */
  MODELGATE_STREAM_CLAIM_IDLE_MS: integerFromEnv(100, 86_400_000).default(30_000),
  /** A message delivered more often than this without being acknowledged (each reader died on it) fails instead of being tried again. */
  MODELGATE_STREAM_MAX_DELIVERIES: integerFromEnv(2, 1_000).default(5),
  /** Sink streams are trimmed to about this many entries (XADD MAXLEN ~); 0 keeps everything. */
  MODELGATE_STREAM_SINK_MAXLEN: integerFromEnv(0, 1_000_000_000).default(1_000_000),
});

export type WorkerConfig = z.infer<typeof WorkerEnv> & { artifactsDir: string };

export const WORKER_CONFIG = Symbol('WorkerConfig');

export function loadWorkerConfig(env: Record<string, string | undefined> = process.env): WorkerConfig {
  const parsed = parseEnv(WorkerEnv, env);
  const dataDir = path.resolve(parsed.MODELGATE_DATA_DIR);
  return { ...parsed, MODELGATE_DATA_DIR: dataDir, artifactsDir: path.join(dataDir, 'artifacts') };
}
