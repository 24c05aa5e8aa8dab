/** The batcher already holds `maxQueued` requests: the caller should shed load (503). */
export class QueueFullError extends Error {
  constructor(readonly queued: number) {
    super(`${queued} requests are already waiting`);
    this.name = 'QueueFullError';
  }
}

export interface MicroBatcherOptions<Request, Result> {
  /** Most requests one run takes. */
  maxBatchSize: number;
  /**
   * 0 (default): adaptive only — an idle batcher runs a request at once, and batches form only from
   * what arrives while a run is in flight. Above 0: an idle batcher waits up to this long for more.
   */
  maxDelayMs?: number;
  /** Requests allowed to wait (not counting runs in flight); more are refused with QueueFullError. */
  maxQueued: number;
  /**
   * Runs allowed at once (default 1). A small model finishes faster than a request can travel to
   * a thread and back; with one run at a time the process would sit idle during that hop, so a
   * couple of runs in flight keep the cores busy while batches still form under load.
   */
  maxConcurrentRuns?: number;
  /** Runs one batch; answers one result or Error per request, in order. */
  run(batch: Request[]): Promise<Array<Result | Error>>;
}

interface Waiting<Request, Result> {
  request: Request;
  resolve(result: Result): void;
  reject(error: Error): void;
}

/**
 * Adaptive micro-batching for one model version: when a run slot is free, a request runs at
 * once (no added delay at low load); while every slot is busy, arrivals accumulate and run
 * together when one frees, up to maxBatchSize. Under load the batch size follows the arrival
 * rate × run time by itself, which is where batching pays.
 */
export class MicroBatcher<Request, Result> {
  private readonly waiting: Waiting<Request, Result>[] = [];
  private running = 0;
  private delayTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: MicroBatcherOptions<Request, Result>) {}

  get queued(): number {
    return this.waiting.length;
  }

  get busy(): boolean {
    return this.running > 0;
  }

  private get saturated(): boolean {
    return this.running >= (this.options.maxConcurrentRuns ?? 1);
  }

  submit(request: Request): Promise<Result> {
    if (this.waiting.length >= this.options.maxQueued) return Promise.reject(new QueueFullError(this.waiting.length));
    return new Promise<Result>((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      this.pump();
    });
  }

  private pump() {
    if (this.saturated || this.waiting.length === 0) return;
    const delay = this.options.maxDelayMs ?? 0;
    if (delay > 0 && this.waiting.length < this.options.maxBatchSize) {
      this.delayTimer ??= setTimeout(() => {
        this.delayTimer = undefined;
        void this.runNext();
      }, delay);
      return;
    }
    void this.runNext();
  }

  private async runNext() {
    if (this.saturated || this.waiting.length === 0) return;
    clearTimeout(this.delayTimer);
    this.delayTimer = undefined;
    this.running += 1;
    const batch = this.waiting.splice(0, this.options.maxBatchSize);
    try {
      const results = await this.options.run(batch.map((item) => item.request));
      batch.forEach((item, index) => {
        const result = results[index];
        if (result instanceof Error) item.reject(result);
        else if (result === undefined) item.reject(new Error('the batch run answered fewer results than it was given requests'));
        else item.resolve(result);
      });
    } catch (error) {
      for (const item of batch) item.reject(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.running -= 1;
      this.pump();
    }
  }
}
