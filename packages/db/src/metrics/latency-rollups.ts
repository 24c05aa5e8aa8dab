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
}

const COUNTERS = ['requests', 'ok', 'client_errors', 'server_errors', 'timeouts', 'shed', 'cold_starts', 'latency_ms_sum', 'queue_ms_sum', 'inference_ms_sum', 'batch_size_sum'];

/**
 * What "add these counts to the row already there" means, for both the API's flush and the
 * worker's downsampling: every counter adds, and histograms add bucket by bucket (a longer
 * histogram keeps its extra buckets).
 */
const MERGE_ON_CONFLICT = `
ON CONFLICT (endpoint_id, version_id, placement, traffic, resolution, bucket_start) DO UPDATE SET
  ${COUNTERS.map((column) => `${column} = latency_rollups.${column} + EXCLUDED.${column}`).join(',\n  ')},
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
    buckets: delta.buckets,
  }));
  // Sorted by key so concurrent flushes from several processes lock rows in the same order (no deadlock).
  rows.sort((a, b) => `${a.endpoint_id}${a.version_id}${a.placement}${a.traffic}${a.bucket_start}`.localeCompare(`${b.endpoint_id}${b.version_id}${b.placement}${b.traffic}${b.bucket_start}`));
  await db.$executeRawUnsafe(
    `INSERT INTO latency_rollups (endpoint_id, version_id, placement, traffic, resolution, bucket_start, ${COUNTERS.join(', ')}, buckets)
     SELECT endpoint_id, version_id, placement, traffic, 'minute', bucket_start, ${COUNTERS.join(', ')}, buckets
     FROM jsonb_to_recordset($1::jsonb) AS delta(
       endpoint_id uuid, version_id uuid, placement text, traffic "TrafficKind", bucket_start timestamptz,
       requests bigint, ok bigint, client_errors bigint, server_errors bigint, timeouts bigint, shed bigint, cold_starts bigint,
       latency_ms_sum double precision, queue_ms_sum double precision, inference_ms_sum double precision, batch_size_sum bigint,
       buckets bigint[])
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
       SELECT ${keys}, date_trunc('hour', bucket_start) AS hour, ${COUNTERS.map((column) => `sum(${column}) AS ${column}`).join(', ')}
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
       INSERT INTO latency_rollups (${keys}, resolution, bucket_start, ${COUNTERS.join(', ')}, buckets)
       SELECT sums.endpoint_id, sums.version_id, sums.placement, sums.traffic, 'hour', sums.hour, ${COUNTERS.map((column) => `sums.${column}`).join(', ')},
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
