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
} as const;
export type QueueFamily = keyof typeof QueueFamily;

export const inferenceQueueName = (versionId: string) => `${QueueFamily.inference}${versionId}`;

/** Redis pub/sub channels (names are suffixed with the deployment's key prefix). */
export const Channel = {
  /** An endpoint's active revision changed: routing caches refresh, workers start new queues. */
  deployments: 'deployments',
  /** Per API process: workers publish inference results straight to the process that waits. */
  replies: (processId: string) => `replies:${processId}`,
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

export const InferTimings = z.object({
  queueMs: z.number(),
  inferenceMs: z.number(),
  coldStart: z.boolean(),
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

export const DeploymentEvent = z.object({
  endpoint: z.string(),
  revision: z.number().int(),
  versionIds: z.array(z.string()),
});
export type DeploymentEvent = z.infer<typeof DeploymentEvent>;

/** Pub/sub channels and queue keys share the deployment's Redis prefix. */
export const prefixedChannel = (prefix: string, channel: string) => `${prefix}:${channel}`;
