import type { Logger } from '@nestjs/common';
import { QueueFamily } from '@modelgate/contracts';
import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

export interface ScheduledJobOptions {
  /** A single-queue family of the catalogue (its name is the queue's). */
  family: Exclude<QueueFamily, 'inference'>;
  /** The scheduler's id: every worker upserts the same one, so one job runs per period. */
  scheduler: string;
  jobName: string;
  data: Record<string, unknown>;
  everyMs: number;
  connection: Redis;
  prefix: string;
  logger: Logger;
  process: (job: Job) => Promise<unknown>;
}

/**
 * A job that repeats on its own queue (BullMQ job scheduler) with its processor, one job at a
 * time. However many workers run, the scheduler is one, so each period runs once; a job a crashed
 * worker held is retried by BullMQ like any other.
 */
export class ScheduledJob {
  private queue?: Queue;
  private worker?: Worker;

  constructor(private readonly options: ScheduledJobOptions) {}

  async start() {
    const { family, scheduler, jobName, data, everyMs, connection, prefix, logger, process } = this.options;
    const name = QueueFamily[family];
    this.queue = new Queue(name, { connection, prefix });
    await this.queue.upsertJobScheduler(scheduler, { every: everyMs }, { name: jobName, data });
    this.worker = new Worker(name, process, { connection, prefix, concurrency: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } });
    this.worker.on('error', (error) => logger.warn(`${name}: ${error.message}`));
    this.worker.on('failed', (job, error) => logger.warn(`${name} job ${job?.id} failed: ${error.message}`));
  }

  async stop() {
    await this.worker?.close();
    await this.queue?.close();
  }
}
