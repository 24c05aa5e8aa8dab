import type { Readable } from 'node:stream';
import type { BatchFileFormat } from '@modelgate/contracts';
import { streamBatchResults, type PgPool } from '@modelgate/db';

/** A download slower than this is cut off: its transaction would otherwise hold a connection (and old row versions) indefinitely. */
const DOWNLOAD_TIMEOUT_MS = 30 * 60_000;

/**
 * A job's results, in row order, as CSV or JSONL, written by PostgreSQL itself (COPY … TO STDOUT)
 * and streamed as the caller reads them; while the job runs, the rows written so far.
 * - JSONL: `{"row", "line", "model", "version", "outputs"}` per scored row; `{"row", "line",
 *   "error"}` (with the version when one was chosen) per failed row.
 * - CSV: `row,line,model,version,<each output>,error`; a scalar output is written as is, any other
 *   as JSON.
 */
export function streamResults(pool: PgPool, jobId: string, format: BatchFileFormat): Promise<Readable> {
  return streamBatchResults(pool, jobId, format, { timeoutMs: DOWNLOAD_TIMEOUT_MS });
}
