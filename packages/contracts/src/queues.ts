import { z } from 'zod';
import { WireTensorMap } from './wire.js';

/**
 * Queue catalogue. Producers live in apps/api, processors in apps/worker; both take names and
 * payload shapes from here.
 *
 * WARNING: never rename a queue or change what a name means. Jobs already waiting in Redis under
 * the old name would be stranded with no processor. Evolve payloads by adding optional fields.
 */
export const QueueFamily = {
  /** One realtime queue per model version (`infer-<versionId>`): workers host only what they serve. */
  inference: 'infer-',
  /** One queue: the job scheduler that downsamples latency rollups (minute rows → hourly, expiry). */
  rollups: 'rollups',
  /** One queue: the job scheduler whose job judges every running rollout from the rollups. */
  rollouts: 'rollouts',
  /** One queue: a parent job per batch file, with a child job per chunk of its rows. */
  batch: 'batch',
  /** One queue: scoring runs of an endpoint's pending records (a job scheduler per endpoint, runs by hand, promotion rescores). */
  recordsScoring: 'records-scoring',
} as const;
export type QueueFamily = keyof typeof QueueFamily;

export const inferenceQueueName = (versionId: string) => `${QueueFamily.inference}${versionId}`;

/** The repeating job on the `rollups` queue; every worker upserts the same scheduler, so there is one. */
export const ROLLUP_DOWNSAMPLE_SCHEDULER = 'downsample-latency-rollups';

export const DownsampleRollupsJobData = z.object({ schema: z.literal(1) });

/** The repeating job on the `rollouts` queue: one judge pass over every running rollout. */
export const ROLLOUT_JUDGE_SCHEDULER = 'judge-rollouts';

export const JudgeRolloutsJobData = z.object({ schema: z.literal(1) });
export type JudgeRolloutsJobData = z.infer<typeof JudgeRolloutsJobData>;
export type DownsampleRollupsJobData = z.infer<typeof DownsampleRollupsJobData>;

/** Redis pub/sub channels (names are suffixed with the deployment's key prefix). */
export const Channel = {
  /** An endpoint's active revision changed: routing caches refresh, workers start new queues. */
  deployments: 'deployments',
  /** Per API process: workers publish inference results straight to the process that waits. */
  replies: (processId: string) => `replies:${processId}`,
  /** A stream binding was created, paused, resumed or deleted (StreamBindingEvent): workers start or stop its consumer. */
  streams: 'streams',
} as const;

export const InferJobData = z.object({
  schema: z.literal(1),
  requestId: z.string(),
  versionId: z.string(),
  /** Reply channel of the API process waiting for the answer. */
  replyTo: z.string(),
  enqueuedAt: z.number(),
  /** Inputs already validated against the signature by the API, as bytes. */
  inputs: WireTensorMap,
  /** Output names to fetch; all tensor outputs when absent. */
  outputs: z.array(z.string()).optional(),
});
export type InferJobData = z.infer<typeof InferJobData>;

/**
 * Schema 2: the API's micro-batcher sends the requests for one version that arrived together as
 * ONE job (one Redis round trip instead of N); the worker runs them batched where the model allows
 * and answers them in one InferBatchReply.
 */
export const InferBatchJobData = z.object({
  schema: z.literal(2),
  /** Correlates the reply with the waiting batch in the API process. */
  dispatchId: z.string(),
  versionId: z.string(),
  replyTo: z.string(),
  enqueuedAt: z.number(),
  requests: z
    .array(
      z.object({
        requestId: z.string(),
        inputs: WireTensorMap,
        outputs: z.array(z.string()).optional(),
      }),
    )
    .min(1),
});
export type InferBatchJobData = z.infer<typeof InferBatchJobData>;

export const InferTimings = z.object({
  queueMs: z.number(),
  inferenceMs: z.number(),
  coldStart: z.boolean(),
  /** How many requests shared the run (1 when alone). */
  batchSize: z.number().int().positive().default(1),
});

export const InferResult = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    requestId: z.string(),
    outputs: WireTensorMap,
    timings: InferTimings,
    workerId: z.string(),
  }),
  z.object({
    ok: z.literal(false),
    requestId: z.string(),
    error: z.object({ status: z.number().int(), code: z.string(), detail: z.string() }),
    workerId: z.string(),
  }),
]);
export type InferResult = z.infer<typeof InferResult>;

/** One reply per batch job: a result per request, in the order they were sent. */
export const InferBatchReply = z.object({
  dispatchId: z.string(),
  workerId: z.string(),
  results: z.array(InferResult),
});
export type InferBatchReply = z.infer<typeof InferBatchReply>;

export const DeploymentEvent = z.object({
  endpoint: z.string(),
  revision: z.number().int(),
  versionIds: z.array(z.string()),
});
export type DeploymentEvent = z.infer<typeof DeploymentEvent>;

/** Pub/sub channels and queue keys share the deployment's Redis prefix. */
export const prefixedChannel = (prefix: string, channel: string) => `${prefix}:${channel}`;
