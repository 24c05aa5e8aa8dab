import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  Channel,
  DeploymentEvent,
  promotionRescoreJobId,
  QueueFamily,
  recordsSchedulerId,
  SCORE_RECORDS_JOB,
  ScoreRecordsJobData,
} from '@modelgate/contracts';
import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker-config.js';
import type { QueueProcessorRegistration } from '../queues/queue-catalogue.js';
import { WorkerInfrastructure } from '../worker-infrastructure.js';
import { RecordsRun, type RunRequest, type RunTotals } from './records-run.js';

/** Runs of different endpoints go side by side; one endpoint's runs never overlap (RecordsRun.start). */
const RUNS_AT_ONCE = 2;
/** A run asked for by hand (or after a promotion) while another is scoring the endpoint waits this long, then tries again. */
const BUSY_RETRY_MS = 2_000;
const KEEP_FINISHED = { age: 24 * 3600, count: 200 };
/**
 * A run can take minutes, so a dead worker's run should not wait long to be picked up again:
 * BullMQ renews the job's lock every LOCK_MS / 2 and another worker checks for expired locks every
 * STALLED_CHECK_MS, so a run whose worker died resumes within about LOCK_MS + 2 × STALLED_CHECK_MS
 * (BullMQ's defaults, 30 s each, would make that 90 s).
 */
const LOCK_MS = 15_000;
const STALLED_CHECK_MS = 5_000;

export type JobOutcome = ({ run: string } & RunTotals) | { skipped: string };

/**
 * The `records-scoring` queue's processor. Jobs come from each endpoint's job scheduler (cron),
 * from `POST …/records/score`, and from here: every worker hears the `deployments` channel, and
 * when an endpoint whose schedule has rescoreOnPromote gets a new revision it adds ONE promotion
 * job (its id is derived from endpoint and revision, so a second worker's add is a no-op; the
 * schedule row's rescoredRevision makes the rescore itself happen once even if a job is re-added).
 */
@Injectable()
export class RecordsScoringProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly registration: QueueProcessorRegistration = { family: 'recordsScoring', describe: 'scoring runs of the records inbox (schedules, by hand, after a promotion)' };
  private readonly logger = new Logger(RecordsScoringProcessor.name);
  private readonly queue: Queue;
  private worker?: Worker;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly infrastructure: WorkerInfrastructure,
    private readonly runs: RecordsRun,
  ) {
    this.queue = new Queue(QueueFamily.recordsScoring, { connection: infrastructure.redis, prefix: config.MODELGATE_REDIS_PREFIX });
  }

  async onApplicationBootstrap() {
    const channel = this.infrastructure.channel(Channel.deployments);
    this.infrastructure.subscriber.on('message', (from: string, message: string) => {
      if (from === channel) void this.onDeployment(message);
    });
    await this.infrastructure.subscribe(channel);
    this.worker = new Worker(QueueFamily.recordsScoring, (job, token) => this.process(job, token), {
      connection: this.infrastructure.redis,
      prefix: this.config.MODELGATE_REDIS_PREFIX,
      concurrency: RUNS_AT_ONCE,
      lockDuration: LOCK_MS,
      stalledInterval: STALLED_CHECK_MS,
    });
    this.worker.on('error', (error) => this.logger.warn(`${QueueFamily.recordsScoring}: ${error.message}`));
    this.worker.on('failed', (job, error) => this.logger.warn(`records run job ${job?.id} failed: ${error.message}`));
  }

  async process(job: Job, token?: string): Promise<JobOutcome> {
    const data = ScoreRecordsJobData.parse(job.data);
    const request: RunRequest = {
      endpointId: data.endpointId,
      trigger: data.trigger,
      jobId: job.id!,
      ...(data.requestedBy ? { requestedBy: data.requestedBy } : {}),
      ...(data.revision !== undefined ? { revision: data.revision } : {}),
      retry: job.attemptsMade > 0,
    };
    const start = await this.runs.start(request, (jobId) => this.queue.getJobState(jobId));
    switch (start.kind) {
      case 'not-deployed':
        this.logger.warn(`records run ${start.run.id}: ${start.run.error}`);
        return { run: start.run.id, scored: 0, failed: 0 };
      case 'nothing-to-rescore':
        return { skipped: `endpoint ${data.endpointId} already routes as when its records were last rescored` };
      case 'endpoint-gone':
        await this.queue.removeJobScheduler(recordsSchedulerId(data.endpointId));
        return { skipped: `endpoint ${data.endpointId} no longer exists` };
      case 'no-schedule':
        // The schedule was deleted but its scheduler survived (Redis was unreachable then): finish the job off.
        await this.queue.removeJobScheduler(recordsSchedulerId(data.endpointId));
        return { skipped: `endpoint ${data.endpointId} has no schedule any more; its job scheduler is removed` };
      case 'busy':
        // A scheduled firing is simply skipped: the run going on scores what is pending, and the next
        // firing comes. A run asked for (by hand, after a promotion) waits its turn instead.
        if (data.trigger === 'schedule' || !token) return { skipped: `run ${start.runId} is still scoring this endpoint` };
        await job.moveToDelayed(Date.now() + BUSY_RETRY_MS, token);
        throw new DelayedError();
      case 'started': {
        const totals = await this.runs.score(start.run, start.endpoint, this.config.MODELGATE_RECORDS_CHUNK_SIZE);
        this.logger.log(`records run ${start.run.id} of "${start.endpoint}" (${data.trigger}): ${totals.scored} scored, ${totals.failed} failed`);
        return { run: start.run.id, ...totals };
      }
    }
  }

  /** Adds the promotion rescore job when a rescoring endpoint has a revision it has not been rescored for. */
  private async onDeployment(message: string) {
    try {
      const event = DeploymentEvent.safeParse(JSON.parse(message));
      if (!event.success) return;
      const schedule = await this.infrastructure.db.scoringSchedule.findFirst({
        where: { endpoint: { name: event.data.endpoint }, rescoreOnPromote: true },
        select: { endpointId: true, rescoredRevision: true },
      });
      if (!schedule || schedule.rescoredRevision === event.data.revision) return;
      const data: ScoreRecordsJobData = { schema: 1, endpointId: schedule.endpointId, trigger: 'promotion', revision: event.data.revision };
      await this.queue.add(SCORE_RECORDS_JOB, data, {
        jobId: promotionRescoreJobId(schedule.endpointId, event.data.revision),
        attempts: 3,
        backoff: { type: 'exponential', delay: 2000 },
        removeOnComplete: KEEP_FINISHED,
        removeOnFail: KEEP_FINISHED,
      });
    } catch (error) {
      // The next scheduled run compares revisions too, so a missed rescore is only late, not lost.
      this.logger.warn(`could not queue a rescore after a deployment: ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown() {
    await this.worker?.close();
    await this.queue.close();
  }
}
