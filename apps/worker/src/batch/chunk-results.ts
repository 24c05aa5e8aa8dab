import type { Db } from '@modelgate/db';

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
