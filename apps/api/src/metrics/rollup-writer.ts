import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { addLatencyRollups, type Db } from '@modelgate/db';
import { API_CONFIG, type ApiConfig } from '../config/api-config.js';
import { DB } from '../infrastructure/database.module.js';
import { LatencyRecorder } from './latency-recorder.js';

/**
 * Every MODELGATE_METRICS_FLUSH_MS, adds what this process recorded into the per-minute rollup
 * rows: one upsert statement per flush, one row per series × minute, whatever the request rate.
 * A failed write keeps its counts for the next flush; shutting down flushes once more.
 */
@Injectable()
export class RollupWriter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RollupWriter.name);
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly recorder: LatencyRecorder,
  ) {}

  onApplicationBootstrap() {
    if (!this.config.MODELGATE_METRICS_RECORDING) return;
    this.timer = setInterval(() => void this.flush(), this.config.MODELGATE_METRICS_FLUSH_MS);
    this.timer.unref();
  }

  /** Writes what was recorded so far; concurrent calls queue, so rows are never written twice. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  private async writePending() {
    const deltas = this.recorder.drain();
    if (deltas.length === 0) return;
    try {
      await addLatencyRollups(this.db, deltas);
    } catch (error) {
      this.recorder.restore(deltas);
      this.logger.warn(`could not write ${deltas.length} latency rollups (kept for the next flush): ${(error as Error).message}`);
    }
  }

  async beforeApplicationShutdown() {
    clearInterval(this.timer);
    await this.flush();
  }
}
