import { STREAM_THROUGHPUT_WINDOW_SECONDS, streamThroughputKey } from '@modelgate/contracts';
import type { Redis } from 'ioredis';
import type { ThroughputCounter } from './stream-ports.js';

/**
 * Handled messages per binding per second, as Redis counters every worker adds to (INCRBY) and
 * that expire after two windows; the API sums the last window's seconds.
 */
export class RedisThroughputCounter implements ThroughputCounter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly bindingId: string,
  ) {}

  async add(handled: number): Promise<void> {
    const key = streamThroughputKey(this.prefix, this.bindingId, Math.floor(Date.now() / 1000));
    await this.redis.multi().incrby(key, handled).expire(key, 2 * STREAM_THROUGHPUT_WINDOW_SECONDS).exec();
  }
}
