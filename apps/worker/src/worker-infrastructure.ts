import { once } from 'node:events';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { prefixedChannel } from '@modelgate/contracts';
import { createDatabase, type Database, type Db, type PgPool } from '@modelgate/db';
import { FilesystemArtifactStore } from '@modelgate/runtime/artifacts';
import { Redis } from 'ioredis';
import { WORKER_CONFIG, type WorkerConfig } from './config/worker-config.js';

/** The worker's connections to PostgreSQL, Redis and the artifact store, closed on shutdown. */
@Injectable()
export class WorkerInfrastructure implements OnApplicationShutdown {
  private readonly logger = new Logger(WorkerInfrastructure.name);
  readonly db: Db;
  /** The pool Prisma runs on, for COPY (batch results). */
  readonly pool: PgPool;
  private readonly database: Database;
  /** Commands, replies and the connection BullMQ workers duplicate for their blocking reads. */
  readonly redis: Redis;
  readonly subscriber: Redis;
  readonly artifacts: FilesystemArtifactStore;

  constructor(@Inject(WORKER_CONFIG) readonly config: WorkerConfig) {
    this.database = createDatabase(config.DATABASE_URL, {
      onPoolError: (error) => this.logger.warn(`PostgreSQL connection lost while idle: ${error.message}`),
    });
    this.db = this.database.db;
    this.pool = this.database.pool;
    this.redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
    this.subscriber = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
    for (const client of [this.redis, this.subscriber]) {
      client.on('error', (error) => this.logger.warn(`Redis ${config.REDIS_URL}: ${error.message}`));
    }
    this.artifacts = new FilesystemArtifactStore(config.artifactsDir);
  }

  channel(name: string): string {
    return prefixedChannel(this.config.MODELGATE_REDIS_PREFIX, name);
  }

  /** SUBSCRIBE, once the connection is ready: ioredis loses one sent while it is still "connect"ing. */
  async subscribe(channel: string): Promise<void> {
    if (this.subscriber.status !== 'ready') await once(this.subscriber, 'ready');
    await this.subscriber.subscribe(channel);
  }

  async onApplicationShutdown() {
    // Prisma, then the pool it runs on.
    await Promise.allSettled([this.subscriber.quit(), this.redis.quit(), this.database.close()]);
  }
}
