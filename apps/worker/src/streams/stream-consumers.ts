import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Channel, streamRedisKey } from '@modelgate/contracts';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker-config.js';
import { EndpointScorer } from '../scoring/endpoint-scorer.js';
import { ChannelFollower } from '../channel-follower.js';
import { WorkerInfrastructure } from '../worker-infrastructure.js';
import { PostgresPredictionStore } from './postgres-prediction-store.js';
import { RedisStreamSink } from './redis-stream-sink.js';
import { RedisStreamSource } from './redis-stream-source.js';
import { RedisThroughputCounter } from './redis-throughput-counter.js';
import { StreamConsumer } from './stream-consumer.js';

/** How long stopping a consumer waits for its batch in flight; beyond it the batch stays pending and is claimed later. */
const STOP_GRACE_MS = 30_000;
/** A gone worker's consumer (holding nothing) is removed from the group after this many claim idle times. */
const FORGET_CONSUMER_AFTER_CLAIM_IDLES = 10;

interface ActiveBinding {
  id: string;
  name: string;
  endpoint: string;
  source: string;
  sink: string;
  group: string;
}

/**
 * Runs a StreamConsumer for every active stream binding in this worker, each under the consumer
 * name MODELGATE_WORKER_ID: every worker reads every active binding and Redis hands each message
 * to one of them, so adding workers adds consumers. Learns of created, paused, resumed and
 * deleted bindings through pub/sub (at once) and re-reads the table every
 * MODELGATE_WORKER_RESYNC_MS in case a message was missed.
 */
@Injectable()
export class StreamConsumers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StreamConsumers.name);
  private readonly consumers = new Map<string, StreamConsumer>();
  private readonly follower: ChannelFollower;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly infrastructure: WorkerInfrastructure,
    private readonly scorer: EndpointScorer,
  ) {
    this.follower = new ChannelFollower({
      infrastructure,
      channel: Channel.streams,
      everyMs: config.MODELGATE_WORKER_RESYNC_MS,
      logger: this.logger,
      describe: 'stream bindings',
      apply: () => this.applyBindings(),
    });
  }

  onApplicationBootstrap() {
    return this.follower.start();
  }

  get consumedBindingIds(): string[] {
    return [...this.consumers.keys()];
  }

  /** Serialised (ChannelFollower), so overlapping triggers never start two consumers for one binding. */
  resync(): Promise<void> {
    return this.follower.resync();
  }

  private async applyBindings() {
    const rows = await this.infrastructure.db.streamBinding.findMany({
      where: { status: 'active' },
      select: { id: true, name: true, source: true, sink: true, group: true, endpoint: { select: { name: true } } },
    });
    const active = new Map(rows.map((row) => [row.id, { ...row, endpoint: row.endpoint.name } satisfies ActiveBinding]));
    const stopping: Promise<void>[] = [];
    for (const [id, consumer] of this.consumers) {
      if (active.has(id)) continue;
      this.consumers.delete(id);
      stopping.push(consumer.stop(STOP_GRACE_MS));
    }
    for (const binding of active.values()) {
      if (!this.consumers.has(binding.id)) this.startConsumer(binding);
    }
    await Promise.all(stopping);
  }

  private startConsumer(binding: ActiveBinding) {
    const { config, infrastructure } = this;
    const prefix = config.MODELGATE_REDIS_PREFIX;
    const blocking = infrastructure.redis.duplicate();
    blocking.on('error', (error) => this.logger.warn(`Redis (stream "${binding.name}"): ${error.message}`));
    const consumer = new StreamConsumer({
      name: binding.name,
      source: new RedisStreamSource({
        commands: infrastructure.redis,
        blocking,
        key: streamRedisKey(prefix, binding.source),
        group: binding.group,
        consumer: config.MODELGATE_WORKER_ID,
        forgetConsumersIdleMs: FORGET_CONSUMER_AFTER_CLAIM_IDLES * config.MODELGATE_STREAM_CLAIM_IDLE_MS,
      }),
      sink: new RedisStreamSink(infrastructure.redis, streamRedisKey(prefix, binding.sink), config.MODELGATE_STREAM_SINK_MAXLEN),
      store: new PostgresPredictionStore(infrastructure.db, binding.id),
      throughput: new RedisThroughputCounter(infrastructure.redis, prefix, binding.id),
      score: (rows) => this.scorer.score({ endpoint: binding.endpoint }, rows),
      isWanted: async () => (await infrastructure.db.streamBinding.count({ where: { id: binding.id, status: 'active' } })) > 0,
      readCount: config.MODELGATE_STREAM_READ_COUNT,
      blockMs: config.MODELGATE_STREAM_BLOCK_MS,
      claimIdleMs: config.MODELGATE_STREAM_CLAIM_IDLE_MS,
      maxDeliveries: config.MODELGATE_STREAM_MAX_DELIVERIES,
      logger: this.logger,
    });
    this.consumers.set(binding.id, consumer);
    consumer.start((reason) => {
      if (this.consumers.get(binding.id) === consumer) this.consumers.delete(binding.id);
      this.logger.log(`stopped consuming stream "${binding.name}": ${reason}`);
    });
    this.logger.log(`consuming stream "${binding.name}" (${binding.source} → ${binding.endpoint} → ${binding.sink}) as ${config.MODELGATE_WORKER_ID}`);
  }

  /** Before the connections close (their hooks run together in onApplicationShutdown), so batches in flight can still be acknowledged. */
  async beforeApplicationShutdown() {
    await this.follower.stop();
    await Promise.allSettled([...this.consumers.values()].map((consumer) => consumer.stop(STOP_GRACE_MS)));
    this.consumers.clear();
  }
}
