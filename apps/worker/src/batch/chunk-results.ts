import type { BatchJobStatus } from '@modelgate/contracts';
import type { Db } from '@modelgate/db';

/** One row's outcome: its outputs and the version that gave them, or why it failed. */
export interface RowResult {
  row: number;
  line: number;
  versionId: string | null;
  outputs: Record<string, unknown> | null;
  error: string | null;
}

export interface JobTally {
  status: BatchJobStatus;
  totalRows: number;
  rowsDone: number;
  rowsFailed: number;
  /** Rows of this call that were new (a chunk run again writes none). */
  written: number;
  /** Failed rows the error budget allows. */
  allowedFailures: number;
}

/**
 * Writes a chunk's results and counts them, in ONE statement: rows are inserted once per
 * (job, row) — a chunk run again after its worker died inserts nothing — and the job's counters
 * grow by the rows this statement actually inserted, so they can never count a row twice or miss
 * one that was written. The write that completes the last row also finishes the job (succeeded),
 * unless more rows failed than the error budget allows.
 */
export async function writeChunkResults(db: Db, batchJobId: string, results: readonly RowResult[]): Promise<JobTally> {
  const [tally] = await db.$queryRawUnsafe<{ status: BatchJobStatus; total_rows: number; rows_done: number; rows_failed: number; written: number; allowed_failures: number }[]>(
    `WITH written AS (
       INSERT INTO batch_results (job_id, "row", line, version_id, outputs, error)
       SELECT $1::uuid, r."row", r.line, r.version_id::uuid, r.outputs::jsonb, r.error
       FROM unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::text[]) AS r("row", line, version_id, outputs, error)
       ON CONFLICT (job_id, "row") DO NOTHING
       RETURNING error
     ),
     counted AS (
       SELECT count(*)::int AS done, (count(*) FILTER (WHERE error IS NOT NULL))::int AS failed FROM written
     )
     UPDATE batch_jobs AS job SET
       rows_done = job.rows_done + counted.done,
       rows_failed = job.rows_failed + counted.failed,
       status = CASE
         WHEN job.status = 'running'
          AND job.rows_done + counted.done >= job.total_rows
          AND job.rows_failed + counted.failed <= floor(job.error_budget * job.total_rows)
         THEN 'succeeded'::"BatchJobStatus" ELSE job.status END,
       finished_at = CASE
         WHEN job.status = 'running'
          AND job.rows_done + counted.done >= job.total_rows
          AND job.rows_failed + counted.failed <= floor(job.error_budget * job.total_rows)
         THEN now() ELSE job.finished_at END
     FROM counted
     WHERE job.id = $1::uuid
     RETURNING job.status, job.total_rows, job.rows_done, job.rows_failed, counted.done AS written,
               floor(job.error_budget * job.total_rows)::int AS allowed_failures`,
    batchJobId,
    results.map((result) => result.row),
    results.map((result) => result.line),
    results.map((result) => result.versionId),
    results.map((result) => (result.outputs === null ? null : JSON.stringify(result.outputs))),
    results.map((result) => result.error),
  );
  if (!tally) throw new Error(`batch job ${batchJobId} no longer exists`);
  return {
    status: tally.status,
    totalRows: tally.total_rows,
    rowsDone: tally.rows_done,
    rowsFailed: tally.rows_failed,
    written: tally.written,
    allowedFailures: tally.allowed_failures,
  };
}

/**
 * Stops a running job whose failed rows exceed its error budget, saying so. It reads the counters
 * at the moment it writes, so any worker may run it any number of times.
 */
export async function failJobOverBudget(db: Db, batchJobId: string): Promise<boolean> {
  const changed = await db.$executeRaw`
    UPDATE batch_jobs SET
      status = 'failed', finished_at = now(),
      error = format('%s of %s rows failed; the error budget of %s %% allows %s. Each failed row and its reason is listed under /failures',
                     rows_failed, total_rows, trim_scale(round((error_budget * 100)::numeric, 2)), floor(error_budget * total_rows))
    WHERE id = ${batchJobId}::uuid AND status = 'running' AND rows_failed > floor(error_budget * total_rows)`;
  return changed > 0;
}

/** Ends a job that is still queued or running as failed, with the reason (a later call changes nothing). */
export async function failJob(db: Db, batchJobId: string, reason: string): Promise<boolean> {
  const changed = await db.$executeRaw`
    UPDATE batch_jobs SET status = 'failed', finished_at = now(), error = ${reason}
    WHERE id = ${batchJobId}::uuid AND status IN ('queued', 'running')`;
  return changed > 0;
}
