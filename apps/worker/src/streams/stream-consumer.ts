import type { Logger } from '@nestjs/common';
import type { RowScore, ScoreRow } from '../scoring/endpoint-scorer.js';
import { parseStreamMessage } from './stream-message.js';
import {
  BindingGoneError,
  SourceGoneError,
  type MessageOutcome,
  type MessageSource,
  type PredictionSink,
  type PredictionStore,
  type SourceMessage,
  type ThroughputCounter,
} from './stream-ports.js';

export interface StreamConsumerOptions {
  /** For logs: the binding's name. */
  name: string;
  source: MessageSource;
  sink: PredictionSink;
  store: PredictionStore;
  throughput: ThroughputCounter;
  /** Scores rows through the binding's endpoint; throws when the endpoint cannot score at all (then the batch is held and tried again). */
  score: (rows: ScoreRow[]) => Promise<RowScore[]>;
  /** Whether the binding still exists and is active (asked before re-creating a missing consumer group). */
  isWanted: () => Promise<boolean>;
  readCount: number;
  blockMs: number;
  claimIdleMs: number;
  maxDeliveries: number;
  logger: Logger;
}

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;

/**
 * One consumer of one binding in this worker: reads micro-batches (as many messages as are there,
 * up to `readCount`, waiting up to `blockMs` for the first), scores them, stores and publishes each
 * outcome, and acknowledges the batch only after both. Between reads it claims what dead consumers
 * left pending for `claimIdleMs`; while it works on a batch it renews its hold so live work is not
 * claimed from it.
 *
 * Failures: a message that cannot be read or scored fails alone (stored, published, acknowledged);
 * a batch that cannot be finished at all (endpoint not deployed, database or Redis down) is held
 * and tried again with backoff, never acknowledged unfinished; a message delivered more than
 * `maxDeliveries` times (each consumer died on it) fails instead of taking down the next one.
 */
export class StreamConsumer {
  private stopping = false;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: StreamConsumerOptions) {}

  start(onExit: (reason: string) => void): void {
    this.running = this.loop().then(onExit, (error: unknown) => onExit(`stopped on an error: ${(error as Error).message}`));
  }

  /** Finishes the batch in flight (stored, published, acknowledged), then stops; a held batch stays pending for later. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.options.source.interrupt().catch(() => undefined);
    const finished = await Promise.race([this.running?.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), graceMs).unref())]);
    if (!finished) this.options.logger.warn(`stream "${this.options.name}": the batch in flight did not finish within ${graceMs} ms; it stays pending and will be claimed`);
    await this.options.source.close();
  }

  private async loop(): Promise<string> {
    const { source, readCount, blockMs, claimIdleMs, logger, name } = this.options;
    const claimEveryMs = Math.max(50, Math.floor(claimIdleMs / 2));
    let ownPendingFirst = true;
    let lastClaimAt = Date.now();
    let failures = 0;
    while (!this.stopping) {
      try {
        let batch: SourceMessage[];
        if (ownPendingFirst) {
          batch = await source.readOwnPending(readCount);
          if (batch.length === 0) ownPendingFirst = false;
        } else if (Date.now() - lastClaimAt >= claimEveryMs) {
          lastClaimAt = Date.now();
          batch = await source.claimAbandoned(claimIdleMs, readCount);
          if (batch.length) logger.warn(`stream "${name}": claimed ${batch.length} message(s) a stopped consumer left unacknowledged`);
        } else {
          batch = await source.read(readCount, blockMs);
        }
        if (batch.length) await this.handle(batch);
        failures = 0;
      } catch (error) {
        if (error instanceof BindingGoneError) return 'the binding was deleted';
        if (error instanceof SourceGoneError) {
          if (!(await this.options.isWanted().catch(() => true))) return 'the binding was deleted or paused';
          logger.warn(`stream "${name}": ${error.message}; creating it again from the beginning`);
          await source.recreate().catch((cause: unknown) => logger.warn(`stream "${name}": could not create the consumer group: ${(cause as Error).message}`));
          continue;
        }
        if (this.stopping) break;
        const delay = retryDelay(failures++);
        logger.warn(`stream "${name}": ${(error as Error).message}; reading again in ${delay} ms`);
        await this.sleep(delay);
      }
    }
    return 'stopped';
  }

  /** Finishes a batch, trying again while it cannot be finished; holds the messages meanwhile so no other consumer takes them. */
  private async handle(batch: SourceMessage[]): Promise<void> {
    const { source, claimIdleMs, logger, name } = this.options;
    const ids = batch.map((message) => message.id);
    const renewal = setInterval(() => {
      source.renew(ids).catch((error: unknown) => logger.warn(`stream "${name}": could not renew ${ids.length} held message(s): ${(error as Error).message}`));
    }, Math.max(50, Math.floor(claimIdleMs / 3)));
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.process(batch);
          return;
        } catch (error) {
          if (error instanceof BindingGoneError || error instanceof SourceGoneError || this.stopping) throw error;
          const delay = retryDelay(attempt);
          logger.warn(`stream "${name}": could not finish a batch of ${batch.length} (${(error as Error).message}); held and tried again in ${delay} ms`);
          await this.sleep(delay);
          if (this.stopping) throw error;
        }
      }
    } finally {
      clearInterval(renewal);
    }
  }

  private async process(batch: SourceMessage[]): Promise<void> {
    const { maxDeliveries, score, store, sink, source, throughput, logger, name } = this.options;
    const outcomes: MessageOutcome[] = new Array(batch.length);
    const toScore: { index: number; key: string; inputs: Record<string, unknown> }[] = [];
    batch.forEach((message, index) => {
      const parsed = parseStreamMessage(message.fields);
      if (!parsed.ok) {
        outcomes[index] = { messageId: message.id, ...(parsed.key !== undefined ? { key: parsed.key } : {}), ok: false, error: parsed.error };
      } else if (message.deliveries > maxDeliveries) {
        outcomes[index] = {
          messageId: message.id,
          key: parsed.key,
          ok: false,
          error: `delivered ${message.deliveries} times without being acknowledged: every worker that read it stopped before finishing (did scoring it crash the process?); failed so the stream moves on`,
        };
      } else {
        toScore.push({ index, key: parsed.key, inputs: parsed.inputs });
      }
    });
    if (toScore.length) {
      const scores = await score(toScore.map(({ key, inputs }) => ({ key, inputs })));
      scores.forEach((result, position) => {
        const { index, key } = toScore[position]!;
        outcomes[index] = result.ok
          ? { messageId: batch[index]!.id, key, ok: true, outputs: result.outputs, versionId: result.versionId, model: result.model, version: result.version }
          : { messageId: batch[index]!.id, key, ok: false, error: result.error, ...(result.versionId ? { versionId: result.versionId } : {}) };
      });
    }
    await store.record(outcomes);
    await sink.publish(outcomes);
    await source.ack(batch.map((message) => message.id));
    await throughput.add(batch.length).catch((error: unknown) => logger.warn(`stream "${name}": could not count throughput: ${(error as Error).message}`));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

const retryDelay = (attempt: number) => Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt);
