import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DownsampleRollupsJobData, ROLLUP_DOWNSAMPLE_SCHEDULER } from '@modelgate/contracts';
import { downsampleLatencyRollups, type DownsampleResult } from '@modelgate/db';
import type { Job } from 'bullmq';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker-config.js';
import type { QueueProcessorRegistration } from '../queues/queue-catalogue.js';
import { ScheduledJob } from '../queues/scheduled-job.js';
import { WorkerInfrastructure } from '../worker-infrastructure.js';

/** Often enough that minute rows never outlive their retention by much; the work is one statement. */
export const DOWNSAMPLE_EVERY_MS = 10 * 60_000;

/**
 * Keeps the latency rollups small: minute rows older than MODELGATE_METRICS_MINUTE_RETENTION_HOURS
 * become hourly rows, hourly rows older than MODELGATE_METRICS_HOUR_RETENTION_DAYS go. A BullMQ job
 * scheduler runs it; every worker upserts the same scheduler, so one job runs per period however
 * many workers there are, and a crashed run is simply run again (the move is atomic).
 */
@Injectable()
export class RollupDownsampler implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly registration: QueueProcessorRegistration = { family: 'rollups', describe: 'latency rollups downsampled to hourly, and expired' };
  private readonly logger = new Logger(RollupDownsampler.name);
  private readonly job: ScheduledJob;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly infrastructure: WorkerInfrastructure,
  ) {
    this.job = new ScheduledJob({
      family: 'rollups',
      scheduler: ROLLUP_DOWNSAMPLE_SCHEDULER,
      jobName: 'downsample',
      data: { schema: 1 } satisfies DownsampleRollupsJobData,
      everyMs: DOWNSAMPLE_EVERY_MS,
      connection: infrastructure.redis,
      prefix: config.MODELGATE_REDIS_PREFIX,
      logger: this.logger,
      process: (job) => this.process(job),
    });
  }

  onApplicationBootstrap() {
    return this.job.start();
  }

  async process(job: Job): Promise<DownsampleResult> {
    DownsampleRollupsJobData.parse(job.data);
    return this.downsample(new Date());
  }

  /** One pass, as of `now`. */
  async downsample(now: Date): Promise<DownsampleResult> {
    const result = await downsampleLatencyRollups(this.infrastructure.db, {
      minuteCutoff: new Date(now.getTime() - this.config.MODELGATE_METRICS_MINUTE_RETENTION_HOURS * 3600_000),
      hourCutoff: new Date(now.getTime() - this.config.MODELGATE_METRICS_HOUR_RETENTION_DAYS * 86_400_000),
    });
    if (result.minuteRows > 0 || result.expiredHourRows > 0) {
      this.logger.log(`latency rollups: ${result.minuteRows} minute rows merged into hourly ones, ${result.expiredHourRows} expired hourly rows deleted`);
    }
    return result;
  }

  onApplicationShutdown() {
    return this.job.stop();
  }
}
