import { z } from 'zod';
import { EndpointName, SLUG_PATTERN } from './names.js';

/**
 * Stream bindings: a consumer group on an input Redis Stream scores each message `{key, inputs}`
 * with the endpoint, upserts the prediction into PostgreSQL, publishes it to an output stream and
 * only then acknowledges the message.
 *
 * Stream names are relative to the installation's Redis prefix: a binding's `source` "orders" is
 * the Redis key `<MODELGATE_REDIS_PREFIX>:stream:orders` (`streamRedisKey`), so two installations
 * sharing a Redis never read each other's streams. The view carries the full keys.
 */
export const StreamName = z
  .string()
  .min(1, 'a stream name is 1 to 200 characters')
  .max(200, 'a stream name is 1 to 200 characters')
  .regex(/^[A-Za-z0-9:_.-]+$/, 'a stream name is letters, digits, ":", "_", "." or "-"');

/** Binding names appear in URLs (`/v1/streams/{name}`), hence the slug rule. */
export const StreamBindingName = z
  .string()
  .regex(SLUG_PATTERN, 'stream binding names are 2–63 characters of lowercase letters, digits and "-", starting with a letter or digit');

/** Where a new binding's consumer group starts in the source stream. */
export const StreamStart = z.enum(['beginning', 'now']);
export type StreamStart = z.infer<typeof StreamStart>;

export const CreateStreamBody = z
  .object({
    name: StreamBindingName,
    endpoint: EndpointName,
    /** The stream to read (created empty if missing). */
    source: StreamName,
    /** The stream predictions are published to. */
    sink: StreamName,
    /** `beginning` (default): messages already in the source are scored too; `now`: only those published after the binding. */
    from: StreamStart.default('beginning'),
  })
  .strict()
  .refine((body) => body.source !== body.sink, {
    path: ['sink'],
    message: 'the sink must differ from the source: predictions published to the source would be read back as messages',
  });
export type CreateStreamBody = z.infer<typeof CreateStreamBody>;

export const StreamStatus = z.enum(['active', 'paused']);
export type StreamStatus = z.infer<typeof StreamStatus>;

export const StreamBinding = z.object({
  id: z.string(),
  name: z.string(),
  endpoint: z.string(),
  source: z.string(),
  sink: z.string(),
  /** The Redis keys applications XADD to (`sourceKey`) and read predictions from (`sinkKey`). */
  sourceKey: z.string(),
  sinkKey: z.string(),
  /** The consumer group on the source. */
  group: z.string(),
  status: StreamStatus,
  /** Messages in the source not yet delivered to the group (XINFO GROUPS lag); null when Redis cannot tell (e.g. after XDEL). */
  lag: z.number().int().nullable(),
  /** Messages delivered to a consumer and not acknowledged yet; null when the group is missing. */
  pending: z.number().int().nullable(),
  /** Consumers (worker processes) the group has seen. */
  consumers: z.number().int().nullable(),
  /** Messages handled (scored or failed) per second over the last minute. */
  throughput: z.number(),
  /** Messages scored and failed since the binding was created. */
  scored: z.number().int(),
  failed: z.number().int(),
  /** The latest failure, with its reason, and when. */
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
});
export type StreamBinding = z.infer<typeof StreamBinding>;

export const StreamBindingList = z.object({ items: z.array(StreamBinding) });
export type StreamBindingList = z.infer<typeof StreamBindingList>;

/** What deleting a binding did: its consumer group and stored predictions are gone; the streams stay. */
export const StreamDeleted = z.object({
  id: z.string(),
  name: z.string(),
  group: z.string(),
  /** False when Redis did not answer: the group is left on the source (harmless, nothing reads it) and `detail` says how to remove it. */
  groupDestroyed: z.boolean(),
  sourceKey: z.string(),
  sinkKey: z.string(),
  detail: z.string(),
});
export type StreamDeleted = z.infer<typeof StreamDeleted>;

/** The latest outcome stored for one key of a binding. */
export const StreamPrediction = z.object({
  key: z.string(),
  /** The source message this outcome came from. */
  messageId: z.string(),
  status: z.enum(['scored', 'failed']),
  /** Outputs as a predict response gives them; null after a failure. */
  prediction: z.record(z.string(), z.unknown()).nullable(),
  model: z.string().nullable(),
  version: z.number().int().nullable(),
  error: z.string().nullable(),
  scoredAt: z.string(),
});
export type StreamPrediction = z.infer<typeof StreamPrediction>;

/** Fields of a source message: `key` (routing is sticky by it) and `inputs`, a JSON object as a predict request's `inputs`. */
export const StreamMessageField = { key: 'key', inputs: 'inputs' } as const;

/** Fields of a sink message: `messageId` always; `key` when the message had one; then `prediction`, `model` and `version`, or `error`. */
export const StreamSinkField = {
  key: 'key',
  messageId: 'messageId',
  prediction: 'prediction',
  model: 'model',
  version: 'version',
  error: 'error',
} as const;

export const StreamMessageKey = z
  .string()
  .min(1, 'the "key" field is empty: send 1 to 256 characters')
  .max(256, 'the "key" field is longer than 256 characters');

/** The Redis key of a stream named in a binding. */
export const streamRedisKey = (prefix: string, name: string) => `${prefix}:stream:${name}`;

/** The consumer group of a binding: by id, so a binding deleted and created again never inherits a leftover group. */
export const streamGroupName = (bindingId: string) => `modelgate:${bindingId}`;

/** Throughput is counted per second in Redis (`INCRBY`, expiring) and read over this window. */
export const STREAM_THROUGHPUT_WINDOW_SECONDS = 60;

export const streamThroughputKey = (prefix: string, bindingId: string, epochSecond: number) => `${prefix}:stream-throughput:${bindingId}:${epochSecond}`;

/** Published on `Channel.streams` when a binding was created, paused, resumed or deleted: workers start or stop its consumer at once. */
export const StreamBindingEvent = z.object({ bindingId: z.string(), change: z.enum(['created', 'paused', 'resumed', 'deleted']) });
export type StreamBindingEvent = z.infer<typeof StreamBindingEvent>;
