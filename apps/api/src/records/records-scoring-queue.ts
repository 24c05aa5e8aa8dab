import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { QueueFamily, recordsSchedulerId, SCORE_RECORDS_JOB, type ScoreRecordsJobData } from '@modelgate/contracts';
import { Queue } from 'bullmq';
import { RedisBus } from '../infrastructure/redis.module.js';

/** Finished jobs kept for a look in Redis; the run history itself is in PostgreSQL (schedule_runs). */
const KEEP_FINISHED = { age: 24 * 3600, count: 200 };

/**
 * The API's side of the `records-scoring` queue: one BullMQ job scheduler per endpoint with a
 * schedule (cron pattern and time zone), and runs asked for by hand. The worker processes both.
 */
@Injectable()
export class RecordsScoringQueue implements OnApplicationShutdown {
  private readonly queue: Queue;

  constructor(bus: RedisBus) {
    this.queue = new Queue(QueueFamily.recordsScoring, { connection: bus.connection, prefix: bus.prefix });
  }

  /** Creates or replaces the endpoint's scheduler; its next firing follows the new pattern at once. */
  async upsertSchedule(endpointId: string, cron: string, timezone: string): Promise<void> {
    const data: ScoreRecordsJobData = { schema: 1, endpointId, trigger: 'schedule' };
    await this.queue.upsertJobScheduler(
      recordsSchedulerId(endpointId),
      { pattern: cron, tz: timezone },
      // One attempt: a failed scheduled run is in the history and the next firing scores what is still pending.
      { name: SCORE_RECORDS_JOB, data, opts: { attempts: 1, removeOnComplete: KEEP_FINISHED, removeOnFail: KEEP_FINISHED } },
    );
  }

  async removeSchedule(endpointId: string): Promise<void> {
    await this.queue.removeJobScheduler(recordsSchedulerId(endpointId));
  }

  /** A run now; retried with backoff if it fails as a whole (the database was briefly away, say). */
  async runNow(jobId: string, data: ScoreRecordsJobData): Promise<void> {
    await this.queue.add(SCORE_RECORDS_JOB, data, {
      jobId,
      attempts: 3,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: KEEP_FINISHED,
      removeOnFail: KEEP_FINISHED,
    });
  }

  async onApplicationShutdown() {
    await this.queue.close();
  }
}
