// A batch job's per-row results in and out of PostgreSQL with COPY: a million rows are too many
// for INSERT parameters going in and for JavaScript building CSV/JSONL text coming out.
import { PassThrough, type Readable } from 'node:stream';

import { isUuid, tensorOutputNames, type BatchFileFormat, type BatchJobStatus, type Signature } from '@modelgate/contracts';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

import type { PrismaClient as Db } from '../generated/prisma/client.js';
import type { PgPool } from '../postgres/database.js';
import { binaryCopyPieces } from './binary-copy-rows.js';
import { isPgError } from '../postgres/databases.js';

/** One row's outcome, as a chunk's scorer hands it over. */
export interface BatchChunkRowResult {
  /** 0-based data row: with the job, the result's key. */
  row: number;
  /** 1-based line of the file it came from. */
  line: number;
  /** The version that scored it (or was chosen and failed on it), if one was chosen. */
  versionId: string | null;
  /** The outputs object as JSON text, serialized once by the caller; null for a failed row. */
  outputsJson: string | null;
  /** Why the row failed; null for a scored row. */
  error: string | null;
}

/** A job's counters right after a chunk was written. */
export interface BatchJobTally {
  status: BatchJobStatus;
  totalRows: number;
  rowsDone: number;
  rowsFailed: number;
  /** Rows of this call that were new (a chunk written again writes none). */
  written: number;
  /** Failed rows the error budget allows. */
  allowedFailures: number;
}

const UNIQUE_VIOLATION = '23505';
/** COPY data is sent in pieces of about this many bytes: large enough that a row costs no write of its own. */
const COPY_PIECE_BYTES = 1 << 20;

/**
 * Adds the rows of `counted` (done, failed) to job $1 and finishes the job (succeeded) when they
 * complete its rows within the error budget; a job no longer running keeps its status.
 */
const COUNT_INTO_JOB = `
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
  RETURNING job.status::text AS status, job.total_rows, job.rows_done, job.rows_failed, counted.done AS written,
            floor(job.error_budget * job.total_rows)::int AS allowed_failures`;

interface TallyRow {
  status: BatchJobStatus;
  total_rows: number;
  rows_done: number;
  rows_failed: number;
  written: number;
  allowed_failures: number;
}

/**
 * Writes a chunk's results and counts them, exactly once: the rows go in with COPY and the job's
 * counters move in the same transaction. A chunk's rows are always written together, so when COPY
 * meets a row that is already there (unique violation) an earlier or concurrent run of the chunk
 * has written it all: this run rolls back and counts nothing (written: 0). (It checks, writing and
 * counting whatever rows are still missing, so a chunk cut differently on a rerun is still counted
 * once.) The write that completes the last row also finishes the job (succeeded), unless more rows
 * failed than the error budget allows. A job that no longer exists is an error.
 */
export async function writeBatchChunkResults(pool: PgPool, batchJobId: string, results: readonly BatchChunkRowResult[]): Promise<BatchJobTally> {
  if (!isUuid(batchJobId)) throw new Error(`batch job id "${batchJobId}" is not a UUID`);
  for (const result of results) {
    if (!Number.isInteger(result.row) || !Number.isInteger(result.line)) throw new Error(`batch job ${batchJobId}: row ${result.row}, line ${result.line}: both must be integers`);
  }
  const failed = results.reduce((count, result) => (result.error === null ? count : count + 1), 0);
  try {
    return await inTransaction(pool, async (client) => {
      if (results.length > 0) await copyChunkRows(client, batchJobId, results);
      const counted = `WITH counted AS (SELECT $2::int AS done, $3::int AS failed) ${COUNT_INTO_JOB}`;
      const { rows } = await client.query<TallyRow>(counted, [batchJobId, results.length, failed]);
      return tallyOf(batchJobId, rows[0]);
    });
  } catch (error) {
    if (!isPgError(error, UNIQUE_VIOLATION)) throw error;
  }
  // Some row of the chunk is there already. Normally that is the whole chunk, and this inserts
  // nothing; should a rerun ever bring a chunk cut differently, its new rows still land, and only
  // they are counted. Slower than COPY, but only reruns get here.
  return insertMissingRows(pool, batchJobId, results);
}

/** The chunk's rows through COPY … FROM STDIN in binary format, a megabyte a write. */
async function copyChunkRows(client: pg.PoolClient, batchJobId: string, results: readonly BatchChunkRowResult[]): Promise<void> {
  const copy = client.query(copyFrom(`COPY batch_results (job_id, "row", line, version_id, outputs, error) FROM STDIN (FORMAT binary)`));
  let settled = false;
  const copied = new Promise<void>((resolve, reject) => {
    copy.once('finish', resolve);
    copy.once('error', reject);
  }).finally(() => (settled = true));
  // Failures are taken from `copied` below; a write waiting when COPY fails must not be unhandled.
  copied.catch(() => {});
  try {
    for (const piece of binaryCopyPieces(batchJobId, results, COPY_PIECE_BYTES)) {
      // One write at a time, each sent before the next: the stream must hold nothing unsent when
      // COPY fails, or it would go on writing to a connection that has moved on.
      await Promise.race([new Promise<void>((resolve) => copy.write(piece, () => resolve())), copied]);
    }
    copy.end();
    await copied;
  } catch (error) {
    // Not PostgreSQL's error but one on this side, with COPY still open: CopyFail ends it, so the
    // connection can roll back. (After PostgreSQL's error COPY is over already.)
    if (!settled) copy.destroy(error as Error);
    throw error;
  }
}

/**
 * INSERT … ON CONFLICT DO NOTHING, counting only the rows it inserts, in one statement; in a
 * transaction, so rows of a job that is gone (no counters to move) are rolled back with the error.
 */
async function insertMissingRows(pool: PgPool, batchJobId: string, results: readonly BatchChunkRowResult[]): Promise<BatchJobTally> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<TallyRow>(
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
       ${COUNT_INTO_JOB}`,
      [
        batchJobId,
        results.map((result) => result.row),
        results.map((result) => result.line),
        results.map((result) => result.versionId),
        results.map((result) => result.outputsJson),
        results.map((result) => result.error),
      ],
    );
    return tallyOf(batchJobId, rows[0]);
  });
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

/**
 * A batch job's status, null when it is gone: asked before every chunk, so straight through pg
 * (a Prisma query costs about a millisecond of the caller's CPU: a second per million rows in
 * chunks of a thousand).
 */
export async function readBatchJobStatus(pool: PgPool, batchJobId: string): Promise<BatchJobStatus | null> {
  const { rows } = await pool.query<{ status: BatchJobStatus }>('SELECT status::text AS status FROM batch_jobs WHERE id = $1::uuid', [batchJobId]);
  return rows[0]?.status ?? null;
}

/** The job's counters; none means the job is gone (there is no foreign key): thrown, so the transaction rolls back. */
function tallyOf(batchJobId: string, row: TallyRow | undefined): BatchJobTally {
  if (!row) throw new Error(`batch job ${batchJobId} no longer exists`);
  return {
    status: row.status,
    totalRows: row.total_rows,
    rowsDone: row.rows_done,
    rowsFailed: row.rows_failed,
    written: row.written,
    allowedFailures: row.allowed_failures,
  };
}

/**
 * Runs `work` in a transaction on a client of its own, then releases the client: back to the pool
 * when the transaction ended cleanly (committed, or rolled back after an error), destroyed when it
 * could not even be rolled back (the connection broke).
 */
async function inTransaction<T>(pool: PgPool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // While checked out nobody else listens: a connection breaking would otherwise end the process.
  // The query in flight fails with the same error.
  const ignore = () => {};
  client.on('error', ignore);
  let reusable = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    reusable = true;
    return result;
  } catch (error) {
    reusable = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    throw error;
  } finally {
    client.off('error', ignore);
    client.release(!reusable);
  }
}

export interface StreamBatchResultsOptions {
  /**
   * A download still going after this long is cut off: it holds a connection, and its snapshot
   * keeps old row versions from being vacuumed. Default 30 minutes.
   */
  timeoutMs?: number;
}

const DEFAULT_DOWNLOAD_TIMEOUT_MS = 30 * 60_000;

/**
 * A job's results, in row order, as CSV or JSONL: PostgreSQL writes the text itself
 * (`COPY (SELECT …) TO STDOUT`) and it is passed on as it comes, only as fast as the caller reads
 * (back-pressure reaches PostgreSQL through the connection). One REPEATABLE READ transaction, so
 * the versions looked up first and the rows agree while the job is still writing. The connection
 * goes back to the pool when the download ends; one abandoned midway (the stream destroyed, the
 * caller gone), cut off or failed is closed instead, which also stops PostgreSQL mid-COPY.
 * - JSONL: `{"row","line","model","version","outputs"}` per scored row; `{"row","line","error"}`
 *   (with "model" and "version" when a version was chosen) per failed row.
 * - CSV: `row,line,model,version,<each output>,error`, RFC 4180 quoting, lines ending in \n; the
 *   outputs are those of the versions that scored rows, in the order the versions first appear; a
 *   scalar output is written as its text, any other as JSON.
 * Resolves once the COPY is under way; fails (holding nothing) if it cannot get that far.
 */
export async function streamBatchResults(pool: PgPool, batchJobId: string, format: BatchFileFormat, options: StreamBatchResultsOptions = {}): Promise<Readable> {
  // COPY takes no parameters: the id goes into the query text, so it must be what it claims.
  if (!isUuid(batchJobId)) throw new Error(`batch job id "${batchJobId}" is not a UUID`);
  const client = await pool.connect();
  const ignore = () => {};
  client.on('error', ignore);
  let released = false;
  const release = (reusable: boolean) => {
    if (released) return;
    released = true;
    client.off('error', ignore);
    client.release(!reusable);
  };

  let header = '';
  let query: string;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    // Rows in order straight from the primary key (job_id, row) rather than sorted afterwards: a
    // million rows would otherwise go through an on-disk sort (the planner's estimate for a job
    // just written is far too low to foresee it). JIT compiling costs more than it saves here.
    await client.query('SET LOCAL enable_sort = off; SET LOCAL jit = off');
    const versions = await versionsOfJob(client, batchJobId);
    if (format === 'csv') {
      const outputs = [...new Set(versions.flatMap((version) => tensorOutputNames(version.signature)))];
      header = csvLine(['row', 'line', 'model', 'version', ...outputs, 'error']);
      query = csvCopyQuery(batchJobId, versions, outputs);
    } else {
      query = jsonlCopyQuery(batchJobId, versions);
    }
  } catch (error) {
    release(
      await client.query('ROLLBACK').then(
        () => true,
        () => false,
      ),
    );
    throw error;
  }

  const output = new PassThrough();
  if (header) output.write(header);
  const copy = client.query(copyTo(query));
  let settled = false;
  const timeoutMs = options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
  const timer = setTimeout(() => output.destroy(new Error(`the download took longer than ${timeoutMs / 1000} s and was cut off`)), timeoutMs);
  const settle = () => {
    settled = true;
    clearTimeout(timer);
  };

  copy.pipe(output, { end: false });
  copy.once('end', () => {
    if (settled) return;
    settle();
    // The stream ends once the connection is back in the pool.
    client.query('COMMIT').then(
      () => {
        release(true);
        if (!output.destroyed) output.end();
      },
      (error: Error) => {
        release(false);
        output.destroy(error);
      },
    );
  });
  // Stays attached: when an abandoned download's connection is closed, the COPY still in flight
  // fails with "Connection terminated", after nobody cares any more.
  copy.on('error', (error) => {
    if (settled) return;
    settle();
    copy.unpipe(output);
    release(false);
    output.destroy(error);
  });
  output.once('close', () => {
    if (settled) return;
    // The caller went away (or the download was cut off) in the middle of the COPY: closing the
    // connection is what stops PostgreSQL sending the rest.
    settle();
    copy.unpipe(output);
    release(false);
    copy.destroy();
  });
  return output;
}

/** A version that wrote rows of a job. */
interface JobVersion {
  id: string;
  model: string;
  version: number;
  signature: Signature;
}

/**
 * The versions that wrote rows of the job (scored them, or were chosen and failed on them), in the
 * order they first appear in the rows. A job pinned to a version has rows of that version only
 * (or of none, when a row failed before one was chosen), so one probe answers; an endpoint's job
 * may have any of the versions its routing went through, which takes a pass over its rows (some
 * 0.2 s a million rows).
 */
async function versionsOfJob(client: pg.PoolClient, batchJobId: string): Promise<JobVersion[]> {
  const { rows: jobs } = await client.query<{ version_id: string | null }>('SELECT version_id::text FROM batch_jobs WHERE id = $1::uuid', [batchJobId]);
  const pinned = jobs[0]?.version_id ?? null;
  const used = pinned
    ? `SELECT $2::uuid AS version_id, 0 AS first_row WHERE EXISTS (SELECT 1 FROM batch_results WHERE job_id = $1::uuid AND version_id = $2::uuid)`
    : `SELECT version_id, min("row") AS first_row FROM batch_results WHERE job_id = $1::uuid AND version_id IS NOT NULL GROUP BY version_id`;
  const { rows } = await client.query<JobVersion>(
    `SELECT v.id::text AS id, m.name AS model, v.version, v.signature
     FROM (${used}) AS used JOIN model_versions AS v ON v.id = used.version_id JOIN models AS m ON m.id = v.model_id
     ORDER BY used.first_row`,
    pinned ? [batchJobId, pinned] : [batchJobId],
  );
  return rows;
}

/**
 * `CASE r.version_id WHEN <id> THEN <value> … END` over the job's versions: the model name and
 * number are looked up once, not joined in per row. Null for a row without a version (or whose
 * version is gone).
 */
function byVersion(versions: readonly JobVersion[], valueOf: (version: JobVersion) => string): string {
  if (versions.length === 0) return 'NULL';
  return `CASE r.version_id ${versions.map((version) => `WHEN ${pg.escapeLiteral(version.id)}::uuid THEN ${valueOf(version)}`).join(' ')} END`;
}

function rowsOfJob(batchJobId: string): string {
  return `FROM batch_results AS r WHERE r.job_id = ${pg.escapeLiteral(batchJobId)}::uuid ORDER BY r.job_id, r."row"`;
}

/**
 * PostgreSQL's CSV quoting is RFC 4180's (a field with the delimiter, a quote or a line break is
 * quoted, quotes doubled). It writes a null field empty but an empty string as `""`, so empty
 * strings go out as null: both are an empty field, as they always were.
 */
function csvCopyQuery(batchJobId: string, versions: readonly JobVersion[], outputs: readonly string[]): string {
  const columns = [
    'r."row"',
    'r.line',
    `NULLIF(${byVersion(versions, (version) => pg.escapeLiteral(version.model))}, '')`,
    byVersion(versions, (version) => String(version.version)),
    ...outputs.map((name) => `NULLIF(r.outputs ->> ${pg.escapeLiteral(name)}, '')`),
    "NULLIF(r.error, '')",
  ];
  return `COPY (SELECT ${columns.join(', ')} ${rowsOfJob(batchJobId)}) TO STDOUT (FORMAT csv)`;
}

/**
 * Each line is put together in SQL; the model name is encoded by JSON.stringify beforehand and the
 * error by to_json(), which escapes a string as JSON.stringify does (\b \f \n \r \t \" \\, other
 * control characters as \u00xx, everything else as it is).
 *
 * COPY's text format would double every backslash of the JSON, so the lines go out in CSV format,
 * one column, with a quote and a delimiter JSON text never contains raw (\x01, \x02: JSON has
 * control characters only escaped): PostgreSQL then never quotes a line and writes each as it is.
 * (Nor is a line ever empty or `\.`, the two other values CSV would quote.)
 */
function jsonlCopyQuery(batchJobId: string, versions: readonly JobVersion[]): string {
  const label = `coalesce(${byVersion(versions, (version) => pg.escapeLiteral(`,"model":${JSON.stringify(version.model)},"version":${version.version}`))}, '')`;
  return `COPY (
    SELECT '{"row":' || r."row" || ',"line":' || r.line || ${label}
      || CASE WHEN r.error IS NULL THEN ',"outputs":' || coalesce(r.outputs::text, 'null') ELSE ',"error":' || to_json(r.error)::text END
      || '}'
    ${rowsOfJob(batchJobId)}
  ) TO STDOUT (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`;
}

/** RFC 4180 quoting, as PostgreSQL's CSV does it (for the header, which is ours); the line ends with \n. */
function csvLine(fields: readonly string[]): string {
  return fields.map((field) => (/[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)).join(',') + '\n';
}
