import { StreamSinkField } from '@modelgate/contracts';
import type { Redis } from 'ioredis';
import type { MessageOutcome, PredictionSink } from './stream-ports.js';

/**
 * Publishes outcomes to a Redis Stream, one entry per source message (XADD in one pipeline):
 * `messageId`, `key` when there was one, then `prediction` (JSON), `model` and `version`, or
 * `error`. With `maxLength` > 0 the stream is trimmed to about that many entries (MAXLEN ~).
 */
export class RedisStreamSink implements PredictionSink {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly maxLength: number,
  ) {}

  async publish(outcomes: MessageOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    const trim = this.maxLength > 0 ? ['MAXLEN', '~', String(this.maxLength)] : [];
    const pipeline = this.redis.pipeline();
    for (const outcome of outcomes) pipeline.xadd(this.key, ...trim, '*', ...sinkFields(outcome));
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([error]) => error);
    if (failed || replies.length !== outcomes.length) {
      throw new Error(`could not publish to ${this.key}: ${failed?.[0]?.message ?? 'the pipeline did not answer'}`);
    }
  }
}

export function sinkFields(outcome: MessageOutcome): string[] {
  const fields = [StreamSinkField.messageId, outcome.messageId];
  if (outcome.key !== undefined) fields.push(StreamSinkField.key, outcome.key);
  if (outcome.ok) {
    fields.push(StreamSinkField.prediction, JSON.stringify(outcome.outputs), StreamSinkField.model, outcome.model, StreamSinkField.version, String(outcome.version));
  } else {
    fields.push(StreamSinkField.error, outcome.error);
  }
  return fields;
}
