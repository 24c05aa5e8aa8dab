import type { PrismaClient } from '../generated/prisma/client.js';

/** One row's worth of counts, as an API process accumulated them since its last flush. */
export interface LatencyRollupDelta {
  endpointId: string;
  versionId: string;
  placement: string;
  traffic: 'live' | 'shadow';
  /** Start of the minute (UTC). */
  minute: Date;
  requests: number;
  ok: number;
  clientErrors: number;
  serverErrors: number;
  timeouts: number;
  shed: number;
  coldStarts: number;
  latencyMsSum: number;
  queueMsSum: number;
  inferenceMsSum: number;
  batchSizeSum: number;
  /** Histogram counts, contracts' LatencyBuckets layout. */
  buckets: number[];
  /** Shadow answers compared with the caller's; those whose outputs are classes; those that agreed. */
  compared: number;
  classified: number;
  agreed: number;
  /** Largest absolute difference between a shadow's output and the caller's; null when none compared. */
  maxAbsDiff: number | null;
}

/** The rollup columns that add up when rows merge (max_abs_diff takes the larger instead). */
export const LATENCY_ROLLUP_SUMS = [
  'requests',
  'ok',
  'client_errors',
  'server_errors',
  'timeouts',
  'shed',
  'cold_starts',
  'latency_ms_sum',
  'queue_ms_sum',
  'inference_ms_sum',
  'batch_size_sum',
  'compared',
  'classified',
  'agreed',
] as const;
const COUNTERS = LATENCY_ROLLUP_SUMS;

/**
 * What "add these counts to the row already there" means, for both the API's flush and the
 * worker's downsampling: every counter adds, and histograms add bucket by bucket (a longer
 * histogram keeps its extra buckets).
 */
const MERGE_ON_CONFLICT = `
ON CONFLICT (endpoint_id, version_id, placement, traffic, resolution, bucket_start) DO UPDATE SET
  ${COUNTERS.map((column) => `${column} = latency_rollups.${column} + EXCLUDED.${column}`).join(',\n  ')},
  -- GREATEST ignores NULLs: a row that compared nothing keeps the other's maximum.
  max_abs_diff = GREATEST(latency_rollups.max_abs_diff, EXCLUDED.max_abs_diff),
  buckets = ARRAY(
    SELECT COALESCE(mine, 0) + COALESCE(theirs, 0)
    FROM unnest(latency_rollups.buckets, EXCLUDED.buckets) WITH ORDINALITY AS merged(mine, theirs, position)
    ORDER BY position
  )`;

/**
 * Adds each delta into its minute row, creating it when missing: one statement for the whole
 * flush, however many processes write the same rows at once (the upsert serialises on the key).
 */
export async function addLatencyRollups(db: PrismaClient, deltas: LatencyRollupDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const rows = deltas.map((delta) => ({
    endpoint_id: delta.endpointId,
    version_id: delta.versionId,
    placement: delta.placement,
    traffic: delta.traffic,
    bucket_start: delta.minute.toISOString(),
    requests: delta.requests,
    ok: delta.ok,
    client_errors: delta.clientErrors,
    server_errors: delta.serverErrors,
    timeouts: delta.timeouts,
    shed: delta.shed,
    cold_starts: delta.coldStarts,
    latency_ms_sum: delta.latencyMsSum,
    queue_ms_sum: delta.queueMsSum,
    inference_ms_sum: delta.inferenceMsSum,
    batch_size_sum: delta.batchSizeSum,
    compared: delta.compared,
    classified: delta.classified,
    agreed: delta.agreed,
    max_abs_diff: delta.maxAbsDiff,
    buckets: delta.buckets,
  }));
  // Sorted by key so concurrent flushes from several processes lock rows in the same order (no deadlock).
  rows.sort((a, b) => `${a.endpoint_id}${a.version_id}${a.placement}${a.traffic}${a.bucket_start}`.localeCompare(`${b.endpoint_id}${b.version_id}${b.placement}${b.traffic}${b.bucket_start}`));
  await db.$executeRawUnsafe(
    `INSERT INTO latency_rollups (endpoint_id, version_id, placement, traffic, resolution, bucket_start, ${COUNTERS.join(', ')}, max_abs_diff, buckets)
     SELECT endpoint_id, version_id, placement, traffic, 'minute', bucket_start, ${COUNTERS.join(', ')}, max_abs_diff, buckets
     FROM jsonb_to_recordset($1::jsonb) AS delta(
       endpoint_id uuid, version_id uuid, placement text, traffic "TrafficKind", bucket_start timestamptz,
       requests bigint, ok bigint, client_errors bigint, server_errors bigint, timeouts bigint, shed bigint, cold_starts bigint,
       latency_ms_sum double precision, queue_ms_sum double precision, inference_ms_sum double precision, batch_size_sum bigint,
       compared bigint, classified bigint, agreed bigint, max_abs_diff double precision, buckets bigint[])
     ${MERGE_ON_CONFLICT}`,
    JSON.stringify(rows),
  );
}

export interface DownsampleResult {
  /** Minute rows merged into hourly rows (and deleted). */
  minuteRows: number;
  /** Hourly rows deleted for being older than their retention. */
  expiredHourRows: number;
}

/**
 * Moves minute rows that started before `minuteCutoff` into hourly rows (summed, histograms added
 * bucket by bucket) and deletes hourly rows that started before `hourCutoff`. The move is one
 * statement, so a crash leaves either both the minute rows or their hourly sums, never both or
 * neither; running it twice changes nothing more.
 */
export async function downsampleLatencyRollups(db: PrismaClient, cutoffs: { minuteCutoff: Date; hourCutoff: Date }): Promise<DownsampleResult> {
  const keys = 'endpoint_id, version_id, placement, traffic';
  const moved = await db.$queryRawUnsafe<Array<{ moved: bigint }>>(
    `WITH moved AS (
       DELETE FROM latency_rollups
       WHERE resolution = 'minute' AND bucket_start < $1::timestamptz
       RETURNING *
     ),
     sums AS (
       SELECT ${keys}, date_trunc('hour', bucket_start) AS hour, ${COUNTERS.map((column) => `sum(${column}) AS ${column}`).join(', ')}, max(max_abs_diff) AS max_abs_diff
       FROM moved GROUP BY ${keys}, date_trunc('hour', bucket_start)
     ),
     bucket_sums AS (
       SELECT ${keys}, hour, array_agg(total ORDER BY position) AS buckets
       FROM (
         SELECT ${keys}, date_trunc('hour', bucket_start) AS hour, position, sum(count) AS total
         FROM moved, unnest(buckets) WITH ORDINALITY AS bucket(count, position)
         GROUP BY ${keys}, date_trunc('hour', bucket_start), position
       ) per_bucket
       GROUP BY ${keys}, hour
     ),
     inserted AS (
       INSERT INTO latency_rollups (${keys}, resolution, bucket_start, ${COUNTERS.join(', ')}, max_abs_diff, buckets)
       SELECT sums.endpoint_id, sums.version_id, sums.placement, sums.traffic, 'hour', sums.hour, ${COUNTERS.map((column) => `sums.${column}`).join(', ')}, sums.max_abs_diff,
              COALESCE(bucket_sums.buckets, '{}')
       FROM sums LEFT JOIN bucket_sums USING (${keys}, hour)
       ${MERGE_ON_CONFLICT}
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM moved) AS moved`,
    cutoffs.minuteCutoff.toISOString(),
  );
  const expiredHourRows = await db.$executeRawUnsafe(
    `DELETE FROM latency_rollups WHERE resolution = 'hour' AND bucket_start < $1::timestamptz`,
    cutoffs.hourCutoff.toISOString(),
  );
  return { minuteRows: Number(moved[0]?.moved ?? 0), expiredHourRows };
}

/** Live traffic of one version over a span, summed over every process's minute rows. */
export interface LatencyTotals {
  requests: number;
  /** 5xx, timeouts and shed requests. */
  errors: number;
  /** Histogram of answered requests, contracts' LatencyBuckets layout. */
  buckets: number[];
}

/**
 * Sums the minute rows of each version's live traffic on an endpoint from `since` (rounded down to
 * its minute, since rows are per minute) on: what rollout guardrails judge.
 */
export async function sumLiveTraffic(db: Pick<PrismaClient, '$queryRawUnsafe'>, endpointId: string, versionIds: string[], since: Date): Promise<Map<string, LatencyTotals>> {
  const rows = await db.$queryRawUnsafe<Array<{ version_id: string; requests: number; errors: number; buckets: number[] | null }>>(
    `WITH rows AS (
       SELECT * FROM latency_rollups
       WHERE endpoint_id = $1::uuid AND version_id = ANY($2::uuid[]) AND traffic = 'live' AND resolution = 'minute'
         AND bucket_start >= date_trunc('minute', $3::timestamptz)
     )
     SELECT version_id::text AS version_id, sum(requests)::float8 AS requests, sum(server_errors + timeouts + shed)::float8 AS errors,
       (SELECT array_agg(total ORDER BY position)::float8[] FROM (
          SELECT position, sum(count) AS total FROM rows inner_rows, unnest(inner_rows.buckets) WITH ORDINALITY AS bucket(count, position)
          WHERE inner_rows.version_id = rows.version_id GROUP BY position) per_bucket) AS buckets
     FROM rows GROUP BY version_id`,
    endpointId,
    versionIds,
    since.toISOString(),
  );
  const totals = new Map<string, LatencyTotals>();
  for (const versionId of versionIds) totals.set(versionId, { requests: 0, errors: 0, buckets: [] });
  for (const row of rows) totals.set(row.version_id, { requests: row.requests, errors: row.errors, buckets: row.buckets ?? [] });
  return totals;
}

/** `total` minus what `offset` had already counted (an earlier reading of the same rows). */
export function subtractTotals(total: LatencyTotals, offset: LatencyTotals | undefined): LatencyTotals {
  if (!offset) return total;
  return {
    requests: Math.max(0, total.requests - offset.requests),
    errors: Math.max(0, total.errors - offset.errors),
    buckets: total.buckets.map((count, k) => Math.max(0, count - (offset.buckets[k] ?? 0))),
  };
}

/**
 * A rollout step's offset: the candidate's and the baseline's live traffic already counted in the
 * rows of the minute the step begins in. Rows are per minute; subtracting this (subtractTotals)
 * judges a step on its own requests, not on the previous step's.
 */
export async function rolloutStepOffset(
  db: Pick<PrismaClient, '$queryRawUnsafe'>,
  rollout: { endpointId: string; candidateVersionId: string; baselineVersionId: string },
  at: Date,
): Promise<{ candidate: LatencyTotals; baseline: LatencyTotals }> {
  const traffic = await sumLiveTraffic(db, rollout.endpointId, [rollout.candidateVersionId, rollout.baselineVersionId], at);
  return { candidate: traffic.get(rollout.candidateVersionId)!, baseline: traffic.get(rollout.baselineVersionId)! };
}
