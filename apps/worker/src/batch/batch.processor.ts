import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BATCH_CHUNK_JOB, BATCH_PARENT_JOB, BatchChunkJobData, QueueFamily } from '@modelgate/contracts';
import { failJob } from '@modelgate/db';
import { type Job, Queue, WaitingChildrenError, Worker } from 'bullmq';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker-config.js';
import type { QueueProcessorRegistration } from '../queues/queue-catalogue.js';
import { WorkerInfrastructure } from '../worker-infrastructure.js';
import { BatchChunks, type ChunkOutcome } from './batch-chunks.js';
import { BatchParent } from './batch-parent.js';

/**
 * A chunk whose worker died is handed to another worker at most this many times; beyond that
 * (a chunk that kills every worker that takes it) it fails, and its job says so.
 */
const MAX_STALLS = 3;

/**
 * Consumes the `batch` queue: parent jobs (one per batch job) and their chunk children. A worker
 * holds each job under a lock it keeps renewing (MODELGATE_BATCH_LOCK_MS); when a worker dies,
 * its lock lapses and BullMQ's stalled-job check (every MODELGATE_BATCH_STALLED_CHECK_MS, run by
 * every live worker) gives the chunk to another. Running a chunk again is harmless: results are
 * written once per (job, row).
 */
@Injectable()
export class BatchProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly registration: QueueProcessorRegistration = { family: 'batch', describe: 'batch files: a parent job per file, a child job per chunk of rows' };
  private readonly logger = new Logger(BatchProcessor.name);
  private queue?: Queue;
  private worker?: Worker;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly infrastructure: WorkerInfrastructure,
    private readonly parent: BatchParent,
    private readonly chunks: BatchChunks,
  ) {}

  onApplicationBootstrap() {
    const { redis } = this.infrastructure;
    const prefix = this.config.MODELGATE_REDIS_PREFIX;
    this.queue = new Queue(QueueFamily.batch, { connection: redis, prefix });
    this.worker = new Worker(QueueFamily.batch, (job, token) => this.process(job, token), {
      connection: redis,
      prefix,
      // Shown as the job's processedBy: which worker holds a chunk.
      name: this.config.MODELGATE_WORKER_ID,
      concurrency: this.config.MODELGATE_BATCH_CONCURRENCY,
      lockDuration: this.config.MODELGATE_BATCH_LOCK_MS,
      stalledInterval: this.config.MODELGATE_BATCH_STALLED_CHECK_MS,
      maxStalledCount: MAX_STALLS,
    });
    this.worker.on('error', (error) => this.logger.warn(`${QueueFamily.batch}: ${error.message}`));
    this.worker.on('stalled', (jobId) => this.logger.warn(`${QueueFamily.batch} job ${jobId} lost its worker: it runs again`));
  }

  async process(job: Job, token?: string): Promise<ChunkOutcome | void> {
    try {
      if (job.name === BATCH_PARENT_JOB) return await this.parent.run(job, token!, this.queue!);
      if (job.name === BATCH_CHUNK_JOB) return await this.chunks.score(BatchChunkJobData.parse(job.data));
      throw new Error(`job ${job.id} on ${QueueFamily.batch} is named "${job.name}", neither "${BATCH_PARENT_JOB}" nor "${BATCH_CHUNK_JOB}"`);
    } catch (error) {
      if (error instanceof WaitingChildrenError) throw error;
      const attempts = job.opts.attempts ?? 1;
      const message = (error as Error).message;
      if (job.attemptsMade + 1 >= attempts) {
        // The last attempt: stop the whole job now, so no other chunk is scored in vain.
        const batchJobId = (job.data as { batchJobId?: string }).batchJobId;
        if (batchJobId && job.name === BATCH_CHUNK_JOB) {
          // Its parent wakes up (the chunk is an ignored failure), ends the job and removes its file.
          await failJob(this.infrastructure.db, batchJobId, `chunk ${(job.data as BatchChunkJobData).chunk} failed after ${attempts} attempts: ${message}`).catch(() => undefined);
        } else if (batchJobId) {
          // No parent will finish this job: it ends here, and its file goes.
          await this.parent.abandon(batchJobId, `the batch job could not be run: ${message}`).catch(() => undefined);
        }
      }
      this.logger.warn(`${QueueFamily.batch} job ${job.id} (${job.name}) attempt ${job.attemptsMade + 1} of ${attempts} failed: ${message}`);
      throw error;
    }
  }

  async onApplicationShutdown() {
    await this.worker?.close();
    await this.queue?.close();
  }
}
