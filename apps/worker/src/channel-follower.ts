import type { Logger } from '@nestjs/common';
import type { WorkerInfrastructure } from './worker-infrastructure.js';

export interface ChannelFollowerOptions {
  infrastructure: WorkerInfrastructure;
  /** The channel's name (unprefixed: contracts' Channel). */
  channel: string;
  /** Safety-net period: the state is read again even without a message (one may be missed). */
  everyMs: number;
  logger: Logger;
  /** What `apply` reads, for the warning when it fails ("deployed versions"). */
  describe: string;
  /** Reads the wanted state and converges to it. */
  apply: () => Promise<void>;
}

/**
 * Keeps a worker component in step with the database: `apply` runs at start, on every message on a
 * pub/sub channel and periodically, one run at a time (overlapping triggers never run two applies at
 * once, so nothing is started twice). A failed apply is logged and retried at the next trigger.
 */
export class ChannelFollower {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: ChannelFollowerOptions) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  async start() {
    const { infrastructure, channel: name, everyMs } = this.options;
    const channel = infrastructure.channel(name);
    infrastructure.subscriber.on('message', (from: string) => {
      if (from === channel) void this.resync();
    });
    await infrastructure.subscribe(channel);
    await this.resync();
    this.timer = setInterval(() => void this.resync(), everyMs);
  }

  resync(): Promise<void> {
    this.running = this.running
      .then(() => (this.stopped ? undefined : this.options.apply()))
      .catch((error: unknown) => this.options.logger.warn(`could not read ${this.options.describe}: ${(error as Error).message}`));
    return this.running;
  }

  /** No apply starts after this; resolves once the one running (if any) is done. */
  async stop() {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}
