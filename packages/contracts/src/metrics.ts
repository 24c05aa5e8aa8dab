import { z } from 'zod';

/**
 * Latency histograms: one fixed log-scale bucket layout shared by every API process, the rollup
 * rows in PostgreSQL and the Prometheus histograms, so counts from anywhere add up bucket by
 * bucket. Bucket k (k ≥ 1) holds latencies in (b[k-1], b[k]] with b[k] = 0.1 ms × 2^(k/4): four
 * buckets per doubling, from 0.1 ms to 0.1 ms × 2^20 ≈ 105 s, then one overflow bucket.
 *
 * WARNING: rollup rows store counts by index. Changing the layout needs a migration that rebuckets
 * them; never change these numbers in place.
 */
export const LatencyBuckets = {
  firstBoundMs: 0.1,
  bucketsPerDoubling: 4,
  /** Bounds b[0] … b[80]; index 81 counts everything slower than b[80]. */
  boundCount: 81,
} as const;

/** Number of counts in a histogram: one per bound plus the overflow bucket. */
export const LATENCY_BUCKET_COUNT = LatencyBuckets.boundCount + 1;

/** Upper bounds in milliseconds, b[0] … b[80]. */
export const LATENCY_BOUNDS_MS: readonly number[] = Array.from(
  { length: LatencyBuckets.boundCount },
  (_, k) => LatencyBuckets.firstBoundMs * 2 ** (k / LatencyBuckets.bucketsPerDoubling),
);

const GROWTH = 2 ** (1 / LatencyBuckets.bucketsPerDoubling);

/**
 * Worst relative error of a percentile read from the buckets (for values above the first bound):
 * the estimate is the bucket's geometric midpoint, at most √growth − 1 ≈ 9.05 % from any value in it.
 */
export const LATENCY_RELATIVE_ERROR = Math.sqrt(GROWTH) - 1;

const LOG_GROWTH = Math.log(GROWTH);
const OVERFLOW = LatencyBuckets.boundCount;

/** The bucket a latency falls in: O(1), no search (it runs once per request). */
export function latencyBucketOf(ms: number): number {
  if (!(ms > LatencyBuckets.firstBoundMs)) return 0;
  let k = Math.ceil(Math.log(ms / LatencyBuckets.firstBoundMs) / LOG_GROWTH);
  // Floating-point rounding can land an exact bound one bucket off; the bounds table decides.
  if (k < OVERFLOW && ms > LATENCY_BOUNDS_MS[k]!) k += 1;
  else if (k > 0 && k <= OVERFLOW && ms <= LATENCY_BOUNDS_MS[k - 1]!) k -= 1;
  return Math.min(k, OVERFLOW);
}

/**
 * The q-quantile (0 < q ≤ 1, nearest rank) of a histogram, in milliseconds, within
 * LATENCY_RELATIVE_ERROR of the true sample; null for an empty histogram. Values in the first
 * bucket read as half its bound's geometric step below it; the overflow bucket reads as its lower
 * bound (the true value is larger).
 */
export function latencyQuantile(counts: ArrayLike<number>, q: number): number | null {
  let total = 0;
  for (let k = 0; k < counts.length; k++) total += counts[k]!;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let k = 0; k < counts.length; k++) {
    seen += counts[k]!;
    if (seen >= rank) return bucketEstimateMs(k);
  }
  return bucketEstimateMs(counts.length - 1);
}

function bucketEstimateMs(k: number): number {
  if (k >= OVERFLOW) return LATENCY_BOUNDS_MS[OVERFLOW - 1]!;
  return LATENCY_BOUNDS_MS[k]! / Math.sqrt(GROWTH);
}

/** Adds `from` into `into`, bucket by bucket (what merging two processes' counts means). */
export function mergeLatencyCounts(into: number[], from: ArrayLike<number>): number[] {
  for (let k = 0; k < from.length; k++) into[k] = (into[k] ?? 0) + from[k]!;
  return into;
}

/** `live` traffic answers callers; `shadow` copies never do and are counted apart. */
export const TrafficKind = z.enum(['live', 'shadow']);
export type TrafficKind = z.infer<typeof TrafficKind>;

/** How a prediction ended, from the caller's point of view. */
export const PredictionOutcome = z.enum(['2xx', '4xx', '5xx', 'timeout', 'shed']);
export type PredictionOutcome = z.infer<typeof PredictionOutcome>;

/** Named ranges the dashboard offers, with the step it asks for (≤ 300 points each). */
export const MetricsRange = {
  '15m': { seconds: 15 * 60, step: 60 },
  '1h': { seconds: 3600, step: 60 },
  '24h': { seconds: 24 * 3600, step: 300 },
  '7d': { seconds: 7 * 86_400, step: 3600 },
} as const;
export type MetricsRange = keyof typeof MetricsRange;

/** Longest range one query may cover, and most points per series. */
export const METRICS_MAX_RANGE_DAYS = 400;
export const METRICS_MAX_POINTS = 1500;

const Instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/**
 * `GET /v1/endpoints/{e}/metrics` and `GET /v1/metrics/overview` query: ISO-8601 instants and a
 * step in seconds (a multiple of 60). Defaults: the last hour, a step giving at most 300 points.
 */
export const MetricsQuery = z.object({
  from: Instant.optional(),
  to: Instant.optional(),
  step: z.coerce.number().int().positive().multipleOf(60, 'a multiple of 60 seconds (rollups are per minute)').optional(),
});
export type MetricsQuery = z.infer<typeof MetricsQuery>;

/** One step of a series. Latency percentiles cover answered (2xx) predictions. */
export const MetricsPoint = z.object({
  /** Start of the step (ISO-8601). */
  t: z.string(),
  requests: z.number().int(),
  /** Requests per second over the part of the step inside the queried range. */
  rps: z.number(),
  /** 5xx, timeouts and shed requests: the platform's failures. */
  errors: z.number().int(),
  errorRate: z.number().nullable(),
  /** 4xx: the callers' mistakes, kept out of the error rate. */
  clientErrors: z.number().int(),
  timeouts: z.number().int(),
  shed: z.number().int(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  meanLatencyMs: z.number().nullable(),
  meanQueueMs: z.number().nullable(),
  meanInferenceMs: z.number().nullable(),
  meanBatchSize: z.number().nullable(),
  coldStarts: z.number().int(),
  /**
   * Shadow series only: answers compared with the answer the caller got, the share that agreed
   * (argmax for classifier outputs), and the largest absolute difference of any output value.
   */
  compared: z.number().int(),
  agreement: z.number().nullable(),
  maxAbsDiff: z.number().nullable(),
});
export type MetricsPoint = z.infer<typeof MetricsPoint>;

export const MetricsSeries = z.object({
  versionId: z.string(),
  model: z.string(),
  version: z.number().int(),
  traffic: TrafficKind,
  placement: z.string(),
  /** This version's share in the active revision now (routes' weight or shadow percent); null when no longer deployed. */
  currentWeight: z.number().nullable(),
  points: z.array(MetricsPoint),
  /** The whole range as one step. */
  total: MetricsPoint,
});
export type MetricsSeries = z.infer<typeof MetricsSeries>;

export const EndpointMetrics = z.object({
  endpoint: z.string(),
  from: z.string(),
  to: z.string(),
  step: z.number().int(),
  /** Percentiles are within this relative error of the true values (bucket resolution). */
  relativeError: z.number(),
  series: z.array(MetricsSeries),
});
export type EndpointMetrics = z.infer<typeof EndpointMetrics>;

/** Every endpoint's live traffic, all versions together, for the overview's sparklines. */
export const MetricsOverview = z.object({
  from: z.string(),
  to: z.string(),
  step: z.number().int(),
  endpoints: z.array(
    z.object({
      endpoint: z.string(),
      points: z.array(MetricsPoint),
      total: MetricsPoint,
    }),
  ),
});
export type MetricsOverview = z.infer<typeof MetricsOverview>;
