/**
 * What the stream consumer needs from a broker, and nothing more: the loop in StreamConsumer
 * depends only on these, so another broker (Kafka, NATS, SQS…) is one more implementation of
 * MessageSource and PredictionSink, with scoring, storage and the delivery rules untouched.
 * RedisStreamSource and RedisStreamSink are the Redis Streams implementations.
 */

/** One message as the broker delivered it. */
export interface SourceMessage {
  /** The broker's id, ordered within the source (Redis: `<ms>-<seq>`); kept with the stored prediction. */
  id: string;
  fields: Record<string, string>;
  /** Times the broker has delivered it: 1 when first read, more once consumers died holding it. */
  deliveries: number;
}

export interface MessageSource {
  /** Messages this consumer was given before and has not acknowledged (after a restart under the same name, or a batch left when paused). */
  readOwnPending(count: number): Promise<SourceMessage[]>;
  /** New messages, waiting up to `blockMs` for the first; [] when none came or the wait was interrupted. */
  read(count: number, blockMs: number): Promise<SourceMessage[]>;
  /** Messages other consumers were given and left unacknowledged for at least `minIdleMs` (they died), now this consumer's. */
  claimAbandoned(minIdleMs: number, count: number): Promise<SourceMessage[]>;
  /** Tells the broker this consumer still works on these, so they are not claimed from it meanwhile. */
  renew(ids: string[]): Promise<void>;
  /** Done with these: the broker will not deliver them again. */
  ack(ids: string[]): Promise<void>;
  /** Creates the source's consumer group (from the beginning) after it was found missing. */
  recreate(): Promise<void>;
  /** Ends a `read` that is waiting, so a stop does not wait out the block. */
  interrupt(): Promise<void>;
  close(): Promise<void>;
}

/** The outcome of one message, as stored and published. */
export type MessageOutcome = {
  messageId: string;
  /** Absent when the message had no usable key. */
  key?: string;
} & (
  | { ok: true; outputs: Record<string, unknown>; versionId: string; model: string; version: number }
  | { ok: false; error: string; versionId?: string }
);

export interface PredictionSink {
  /** Publishes every outcome (predictions and failures), resolving only when all were accepted. */
  publish(outcomes: MessageOutcome[]): Promise<void>;
}

/** Where outcomes are kept: one row per key, the newest message winning, plus the binding's counters. */
export interface PredictionStore {
  record(outcomes: MessageOutcome[]): Promise<void>;
}

/** Counts handled messages for the throughput shown with the binding. */
export interface ThroughputCounter {
  add(handled: number): Promise<void>;
}

/** The consumer group (or the whole source) disappeared, e.g. the stream key was deleted. */
export class SourceGoneError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'SourceGoneError';
  }
}

/** The binding was deleted while a batch was in flight: nothing to store it under any more. */
export class BindingGoneError extends Error {
  constructor(bindingId: string) {
    super(`stream binding ${bindingId} no longer exists`);
    this.name = 'BindingGoneError';
  }
}
