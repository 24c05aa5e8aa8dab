import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Channel, EndpointConfig, inferenceQueueName } from '@modelgate/contracts';
import { Queue, Worker } from 'bullmq';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker-config.js';
import { ChannelFollower } from '../channel-follower.js';
import { WorkerInfrastructure } from '../worker-infrastructure.js';
import { InferenceProcessor } from './inference.processor.js';
import { ModelSessions } from './model-sessions.js';

/** Longest a no-longer-deployed version keeps serving what was queued for it before the change. */
const RETIRE_DRAIN_MS = 10_000;

interface StoredVersionRef {
  versionId: string;
}

/**
 * Realtime queues are per version and created at deploy time, so their BullMQ workers are too:
 * this host consumes `infer-<versionId>` for every version an active revision routes to (or
 * shadows), warms its session, and stops when the version is no longer deployed. It learns of
 * changes through Redis pub/sub and re-reads the database periodically as a safety net.
 */
@Injectable()
export class InferenceQueueHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InferenceQueueHost.name);
  private readonly workers = new Map<string, Worker>();
  /** Versions no longer deployed whose queues are being drained before their workers stop. */
  private readonly retiring = new Map<string, { worker: Worker; cancelled: boolean }>();
  private readonly follower: ChannelFollower;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly infrastructure: WorkerInfrastructure,
    private readonly processor: InferenceProcessor,
    private readonly sessions: ModelSessions,
  ) {
    this.follower = new ChannelFollower({
      infrastructure,
      channel: Channel.deployments,
      everyMs: config.MODELGATE_WORKER_RESYNC_MS,
      logger: this.logger,
      describe: 'deployed versions',
      apply: () => this.applyDeployedVersions(),
    });
  }

  onApplicationBootstrap() {
    return this.follower.start();
  }

  get servedVersionIds(): string[] {
    return [...this.workers.keys()];
  }

  /** Serialised (ChannelFollower), so overlapping triggers never start two workers for one queue. */
  resync(): Promise<void> {
    return this.follower.resync();
  }

  private async applyDeployedVersions() {
    const deployed = await this.deployedVersions();
    for (const [versionId, scaling] of deployed) {
      // Pinned versions (minReplicas ≥ 1) load now, so the first request does not pay the load.
      this.sessions.configure(versionId, scaling);
      if (this.workers.has(versionId)) continue;
      const retiring = this.retiring.get(versionId);
      if (retiring) {
        retiring.cancelled = true;
        this.retiring.delete(versionId);
        this.workers.set(versionId, retiring.worker);
        continue;
      }
      this.workers.set(versionId, this.startWorker(versionId));
      this.logger.log(`serving ${inferenceQueueName(versionId)}`);
    }
    for (const [versionId, worker] of this.workers) {
      if (deployed.has(versionId)) continue;
      this.workers.delete(versionId);
      const retiring = { worker, cancelled: false };
      this.retiring.set(versionId, retiring);
      void this.retire(versionId, retiring);
    }
  }

  /**
   * Stops serving a version that is no longer deployed, once the requests routed to it just
   * before the change have been served (at most RETIRE_DRAIN_MS): closing at once would strand
   * them in its queue until they time out. Deployed again meanwhile, it simply keeps serving.
   */
  private async retire(versionId: string, retiring: { worker: Worker; cancelled: boolean }) {
    const queue = new Queue(inferenceQueueName(versionId), { connection: this.infrastructure.redis, prefix: this.config.MODELGATE_REDIS_PREFIX });
    try {
      const until = Date.now() + RETIRE_DRAIN_MS;
      while (!retiring.cancelled && !this.follower.isStopped && Date.now() < until) {
        const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed');
        if ((counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } catch (error) {
      this.logger.warn(`could not check what is left in ${inferenceQueueName(versionId)}: ${(error as Error).message}`);
    } finally {
      await queue.close();
    }
    if (retiring.cancelled || this.retiring.get(versionId) !== retiring) return;
    this.retiring.delete(versionId);
    await retiring.worker.close();
    await this.sessions.unload(versionId);
    this.logger.log(`stopped serving ${inferenceQueueName(versionId)}: no longer deployed`);
  }

  private startWorker(versionId: string): Worker {
    const worker = new Worker(inferenceQueueName(versionId), (job) => this.processor.process(job), {
      connection: this.infrastructure.redis,
      prefix: this.config.MODELGATE_REDIS_PREFIX,
      concurrency: this.config.MODELGATE_WORKER_CONCURRENCY,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 1000 },
    });
    worker.on('error', (error) => this.logger.warn(`${inferenceQueueName(versionId)}: ${error.message}`));
    worker.on('failed', (job, error) => this.logger.warn(`job ${job?.id} on ${inferenceQueueName(versionId)} failed: ${error.message}`));
    return worker;
  }

  /** Every version worker endpoints deploy, with the scaling settings of each endpoint that routes or shadows to it. */
  private async deployedVersions(): Promise<Map<string, EndpointConfig['scaling'][]>> {
    const endpoints = await this.infrastructure.db.endpoint.findMany({
      where: { activeRevisionId: { not: null } },
      select: { config: true, activeRevision: { select: { routes: true, shadows: true } } },
    });
    const versions = new Map<string, EndpointConfig['scaling'][]>();
    for (const { activeRevision, config } of endpoints) {
      const { scaling, placement } = EndpointConfig.parse(config);
      // Gateway endpoints run their models inside the API processes: nothing for workers to host.
      if (!activeRevision || placement !== 'worker') continue;
      for (const ref of [...(activeRevision.routes as unknown as StoredVersionRef[]), ...(activeRevision.shadows as unknown as StoredVersionRef[])]) {
        versions.set(ref.versionId, [...(versions.get(ref.versionId) ?? []), scaling]);
      }
    }
    return versions;
  }

  async onApplicationShutdown() {
    await this.follower.stop();
    await Promise.allSettled([...this.workers.values(), ...[...this.retiring.values()].map((retiring) => retiring.worker)].map((worker) => worker.close()));
    this.workers.clear();
    this.retiring.clear();
  }
}
