import { once } from 'node:events';
import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { prefixedChannel } from '@modelgate/contracts';
import { Redis } from 'ioredis';
import { API_CONFIG, type ApiConfig } from '../config/api-config.js';

type MessageHandler = (message: string) => void;

/**
 * The API's Redis connections: one for commands and BullMQ producers, one in subscriber mode for
 * pub/sub (deployment changes, inference replies addressed to this process).
 */
@Injectable()
export class RedisBus implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisBus.name);
  readonly connection: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, Set<MessageHandler>>();
  readonly prefix: string;

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    this.prefix = config.MODELGATE_REDIS_PREFIX;
    // BullMQ needs maxRetriesPerRequest: null on connections it blocks on; harmless for the rest.
    this.connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: false });
    this.subscriber = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
    for (const client of [this.connection, this.subscriber]) {
      client.on('error', (error) => this.logger.warn(`Redis ${config.REDIS_URL}: ${error.message}`));
    }
    this.subscriber.on('message', (channel: string, message: string) => {
      for (const handler of this.handlers.get(channel) ?? []) handler(message);
    });
  }

  channel(name: string): string {
    return prefixedChannel(this.prefix, name);
  }

  async subscribe(name: string, handler: MessageHandler): Promise<void> {
    const channel = this.channel(name);
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      // A SUBSCRIBE sent while the connection is up but not yet ready (status "connect") is lost
      // by ioredis here: the first subscriber at start never heard of a deployment. Wait for ready.
      if (this.subscriber.status !== 'ready') await once(this.subscriber, 'ready');
      await this.subscriber.subscribe(channel);
    }
    set.add(handler);
  }

  async publish(name: string, payload: unknown): Promise<void> {
    await this.connection.publish(this.channel(name), JSON.stringify(payload));
  }

  async onApplicationShutdown() {
    await Promise.allSettled([this.subscriber.quit(), this.connection.quit()]);
  }
}

@Global()
@Module({ providers: [RedisBus], exports: [RedisBus] })
export class RedisModule {}
