import fs from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BATCH_CHUNK_INDEX_FILE, BATCH_PARENT_JOB, BATCH_PARENT_JOB_OPTIONS, QueueFamily, type BatchParentJobData } from '@modelgate/contracts';
import { failJob } from '@modelgate/db';
import { Queue } from 'bullmq';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker-config.js';
import { WorkerInfrastructure } from '../worker-infrastructure.js';

interface UnfinishedJob {
  id: string;
  status: 'queued' | 'running';
  filePath: string;
}

/**
 * Batch jobs that PostgreSQL says are queued or running but whose parent job Redis no longer has
 * (Redis restarted without persistence, or the API stopped between writing the job and queueing
 * it) would wait forever. Every MODELGATE_BATCH_RECOVERY_MS each worker looks for them and queues
 * the parent again: it adds every chunk once more, a chunk already written writes and counts
 * nothing, and the job finishes with every row once. A job whose uploaded file is gone cannot be
 * scored: it fails, saying so. A job must be missing at two checks in a row, so one the API is
 * queueing at this moment is left alone; two workers queueing the same parent add it once (its
 * job id is the batch job's).
 */
@Injectable()
export class BatchRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BatchRecovery.name);
  private queue?: Queue;
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;
  /** Jobs whose parent was missing at the last check. */
  private missingLastTime = new Set<string>();

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly infrastructure: WorkerInfrastructure,
  ) {}

  onApplicationBootstrap() {
    this.queue = new Queue(QueueFamily.batch, { connection: this.infrastructure.redis, prefix: this.config.MODELGATE_REDIS_PREFIX });
    this.timer = setInterval(() => {
      this.checking ??= this.check()
        .catch((error: unknown) => this.logger.warn(`looking for batch jobs whose queue job is gone: ${(error as Error).message}`))
        .finally(() => (this.checking = undefined));
    }, this.config.MODELGATE_BATCH_RECOVERY_MS);
  }

  async check(): Promise<void> {
    const { rows } = await this.infrastructure.pool.query<UnfinishedJob>(
      `SELECT id::text, status::text, file_path AS "filePath" FROM batch_jobs WHERE status IN ('queued', 'running')`,
    );
    const missing = new Set<string>();
    for (const job of rows) {
      if (await this.queue!.getJob(job.id)) continue;
      missing.add(job.id);
      if (this.missingLastTime.has(job.id)) await this.recover(job);
    }
    this.missingLastTime = missing;
  }

  private async recover(job: UnfinishedJob): Promise<void> {
    const directory = path.join(this.config.MODELGATE_DATA_DIR, path.dirname(job.filePath));
    const needed = [path.join(this.config.MODELGATE_DATA_DIR, job.filePath), path.join(directory, BATCH_CHUNK_INDEX_FILE)];
    const gone = (await Promise.all(needed.map((file) => fs.access(file).then(() => null, () => path.basename(file))))).filter((name) => name !== null);
    if (gone.length > 0) {
      const reason = `its queue job was lost (did Redis lose its data?) and its uploaded file can no longer be read (${gone.join(' and ')} missing from ${directory}): submit the file again`;
      if (await failJob(this.infrastructure.db, job.id, reason)) this.logger.warn(`batch job ${job.id} failed: ${reason}`);
      await fs.rm(directory, { recursive: true, force: true });
      return;
    }
    const data: BatchParentJobData = { schema: 1, batchJobId: job.id };
    await this.queue!.add(BATCH_PARENT_JOB, data, { ...BATCH_PARENT_JOB_OPTIONS, jobId: job.id });
    this.logger.warn(`batch job ${job.id} was ${job.status} but its queue job was gone (did Redis lose its data?): queued again; rows already written stay, each once`);
  }

  async onApplicationShutdown() {
    clearInterval(this.timer);
    await this.checking;
    await this.queue?.close();
  }
}
