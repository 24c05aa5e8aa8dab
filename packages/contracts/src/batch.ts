import { z } from 'zod';
import { EndpointName, ModelName } from './names.js';
import type { Dim } from './signature.js';

/**
 * Batch files: a CSV or JSONL upload scored row by row in chunks, by any number of workers, with
 * every row's result kept once in PostgreSQL and downloadable.
 */
export const BatchFileFormat = z.enum(['csv', 'jsonl']);
export type BatchFileFormat = z.infer<typeof BatchFileFormat>;

/** input name → one column (a JSON value per cell) or several columns (one number each, in order). */
export const BatchMapping = z.record(z.string(), z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]));
export type BatchMapping = z.infer<typeof BatchMapping>;

/**
 * The non-file fields of `POST /v1/batch-jobs` (multipart: a `spec` JSON field, then `file`).
 * Target an endpoint (its routing picks each row's version) or pin `model` + `version`.
 */
export const BatchJobSpec = z
  .object({
    endpoint: EndpointName.optional(),
    model: ModelName.optional(),
    version: z.number().int().positive().optional(),
    /** Default: from the file name (`.csv`; `.jsonl` or `.ndjson`). */
    format: BatchFileFormat.optional(),
    /** input name → CSV column(s) or JSONL field(s); see the README for the defaults. */
    mapping: BatchMapping.optional(),
    /** Rows per chunk (one worker job each). Default: chosen from the file once it is counted (automaticChunkSize). */
    chunkSize: z.number().int().min(1).max(100_000).optional(),
    /** Share of rows that may fail before the job stops as failed (0 stops at the first). */
    errorBudget: z.number().min(0).max(1).default(0.01),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const pinned = spec.model !== undefined || spec.version !== undefined;
    if (spec.endpoint === undefined && !pinned) ctx.addIssue({ code: 'custom', message: 'name an endpoint, or pin a model and version' });
    if (spec.endpoint !== undefined && pinned) ctx.addIssue({ code: 'custom', message: 'name an endpoint or pin a model and version, not both' });
    if (pinned && (spec.model === undefined || spec.version === undefined)) ctx.addIssue({ code: 'custom', message: 'a pinned target needs both model and version' });
  });
export type BatchJobSpec = z.input<typeof BatchJobSpec>;

export const BatchJobStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type BatchJobStatus = z.infer<typeof BatchJobStatus>;

export const BatchJob = z.object({
  id: z.string(),
  status: BatchJobStatus,
  format: BatchFileFormat,
  fileName: z.string(),
  target: z.union([z.object({ endpoint: z.string() }), z.object({ model: z.string(), version: z.number().int() })]),
  /** The mapping in force: the one given, or the defaults resolved from the header (first JSONL line). */
  mapping: BatchMapping,
  chunkSize: z.number().int(),
  errorBudget: z.number(),
  progress: z.object({
    totalRows: z.number().int(),
    /** Rows with a result, scored or failed: the job is done when this reaches totalRows. */
    rowsDone: z.number().int(),
    /** Of rowsDone, the rows that failed (each with its reason and line, see …/failures). */
    rowsFailed: z.number().int(),
    /** Rows done per second since the job started (until it finished); null before any. */
    rowsPerSecond: z.number().nullable(),
    /** Seconds left at that rate; null when unknown or finished early. */
    etaSeconds: z.number().nullable(),
  }),
  error: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type BatchJob = z.infer<typeof BatchJob>;

export const BatchJobListQuery = z.object({
  status: BatchJobStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().optional(),
});
export type BatchJobListQuery = z.infer<typeof BatchJobListQuery>;

/** Newest first. */
export const BatchJobList = z.object({ items: z.array(BatchJob), nextCursor: z.string().nullable() });
export type BatchJobList = z.infer<typeof BatchJobList>;

/** `GET /v1/batch-jobs/{id}/results?format=`: default, the format the file came in. */
export const BatchResultsQuery = z.object({ format: BatchFileFormat.optional() });
export type BatchResultsQuery = z.infer<typeof BatchResultsQuery>;

/** One failed row, with the file line it came from and why. */
export const BatchRowFailure = z.object({ row: z.number().int(), line: z.number().int(), error: z.string() });
export type BatchRowFailure = z.infer<typeof BatchRowFailure>;

export const BatchFailuresQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** The `nextCursor` of the previous page (a row number). */
  cursor: z.coerce.number().int().min(-1).optional(),
});
export type BatchFailuresQuery = z.infer<typeof BatchFailuresQuery>;

/** Failed rows in row order. */
export const BatchFailureList = z.object({ items: z.array(BatchRowFailure), nextCursor: z.string().nullable() });
export type BatchFailureList = z.infer<typeof BatchFailureList>;

/**
 * The CSV dialect, the same where the API validates an upload and where a worker reads a chunk of
 * it (csv-parse options): comma-separated, `"` quotes, `\r\n` or `\n` between records (mixed is
 * fine), a UTF-8 BOM ignored, blank lines skipped. A record may have fewer or more fields than the
 * header: that row fails alone ("missing column"), the file is not refused for it.
 */
export const BATCH_CSV_DIALECT = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  record_delimiter: ['\r\n', '\n'],
  bom: true,
  skip_empty_lines: true,
  relax_column_count: true,
} as const;

/**
 * What one row of a batch file holds for an input: one item of a batch, i.e. the input's shape
 * without its first dimension, when that dimension is symbolic or 1 (the row is sent as a batch of
 * one and its outputs come back without that dimension); null when the input takes no batch (a
 * scalar, or a fixed first dimension other than 1): then a row holds the whole tensor.
 */
export function rowShapeOf(input: { shape: readonly Dim[] }): Dim[] | null {
  const [first, ...rest] = input.shape;
  return first !== undefined && (typeof first === 'string' || first === 1) ? rest : null;
}

/** Longest CSV record or JSONL line: a longer one is refused (it would have to sit in memory whole). */
export const MAX_BATCH_ROW_BYTES = 16 * 1024 * 1024;

/**
 * Queue payloads of the `batch` queue (QueueFamily.batch). One parent job per batch job (its BullMQ
 * job id is the batch job's id) adds the chunk jobs as its children and finishes the batch job once
 * every chunk is done.
 */
export const BatchParentJobData = z.object({
  schema: z.literal(1),
  batchJobId: z.uuid(),
  /** Set by the worker as it goes, so a parent job resumed after its worker died carries on. */
  chunksQueued: z.number().int().nonnegative().optional(),
  waitingForChunks: z.boolean().optional(),
});
export type BatchParentJobData = z.infer<typeof BatchParentJobData>;

export const BATCH_PARENT_JOB = 'batch';

/**
 * How a batch job's parent job is queued (its BullMQ job id is the batch job's id): by the API on
 * submit, and by a worker that finds a running job's parent gone from Redis and queues it again.
 */
export const BATCH_PARENT_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: true,
  /** Failed parent jobs are kept a week, to be looked at. */
  removeOnFail: { age: 7 * 86_400 },
} as const;
export const BATCH_CHUNK_JOB = 'chunk';

/**
 * One chunk: rows [firstRow, firstRow + rowCount) of the stored file, which sit in its bytes
 * [byteStart, byteEnd); the first of those bytes is on line `firstLine` (1-based), so each row's
 * file line is known without reading the file from its start.
 */
export const BatchChunkJobData = z.object({
  schema: z.literal(1),
  batchJobId: z.uuid(),
  chunk: z.number().int().nonnegative(),
  firstRow: z.number().int().nonnegative(),
  rowCount: z.number().int().positive(),
  byteStart: z.number().int().nonnegative(),
  byteEnd: z.number().int().nonnegative(),
  firstLine: z.number().int().positive(),
  /** A CSV file's header line(s) take its bytes [0, headerBytes); 0 for JSONL. */
  headerBytes: z.number().int().nonnegative(),
});
export type BatchChunkJobData = z.infer<typeof BatchChunkJobData>;

/**
 * The chunk index the API writes next to an uploaded file while counting its rows: one entry per
 * `indexStride` rows (the job's column: its chunkSize when the spec named one, else
 * BATCH_INDEX_STRIDE; a chunk is a whole number of strides), then one for the end of the data,
 * each two little-endian uint64 — the byte offset where the stride starts and the line that byte
 * is on. Reading it needs no pass over the file, and writing it keeps the API's memory flat
 * however many chunks there are.
 */
export const BATCH_CHUNK_INDEX_ENTRY_BYTES = 16;

/**
 * Rows between two entries of the chunk index when the spec names no chunkSize: the chunk size is
 * then chosen after the file is counted (automaticChunkSize), as a whole number of these.
 */
export const BATCH_INDEX_STRIDE = 1000;

/** Chunks an automatic chunk size aims for at least: work for many workers, and progress that moves. */
const AUTOMATIC_CHUNKS_AT_LEAST = 50;
/** The most rows an automatic chunk holds: a chunk's rows are what a worker holds at once, and what a crash redoes. */
const AUTOMATIC_CHUNK_ROWS_AT_MOST = 10_000;
/** The most file bytes an automatic chunk holds on average, so wide rows (images as JSON) make smaller chunks. */
const AUTOMATIC_CHUNK_BYTES_AT_MOST = 16 * 1024 * 1024;

/**
 * The chunk size of a job whose spec names none, once its file is counted: a whole number of
 * BATCH_INDEX_STRIDE rows, at least one, at most what keeps AUTOMATIC_CHUNKS_AT_LEAST chunks,
 * AUTOMATIC_CHUNK_ROWS_AT_MOST rows and AUTOMATIC_CHUNK_BYTES_AT_MOST bytes a chunk. Large files
 * get large chunks: each chunk costs a worker a queue job, a few queries and a transaction, which
 * in thousand-row chunks was a quarter of a million-row job's time.
 */
export function automaticChunkSize(totalRows: number, sizeBytes: number): number {
  const bytesPerRow = totalRows > 0 ? sizeBytes / totalRows : 0;
  const rows = Math.min(totalRows / AUTOMATIC_CHUNKS_AT_LEAST, AUTOMATIC_CHUNK_ROWS_AT_MOST, bytesPerRow > 0 ? AUTOMATIC_CHUNK_BYTES_AT_MOST / bytesPerRow : Infinity);
  return Math.max(1, Math.floor(rows / BATCH_INDEX_STRIDE)) * BATCH_INDEX_STRIDE;
}

/** The chunk index sits next to the stored file, in the job's own directory. */
export const BATCH_CHUNK_INDEX_FILE = 'chunks.idx';

export function encodeChunkIndexEntry(byteOffset: number, line: number): Uint8Array {
  const entry = new Uint8Array(BATCH_CHUNK_INDEX_ENTRY_BYTES);
  const view = new DataView(entry.buffer);
  view.setBigUint64(0, BigInt(byteOffset), true);
  view.setBigUint64(8, BigInt(line), true);
  return entry;
}

export function decodeChunkIndexEntry(bytes: Uint8Array, offset = 0): { byteOffset: number; line: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, BATCH_CHUNK_INDEX_ENTRY_BYTES);
  return { byteOffset: Number(view.getBigUint64(0, true)), line: Number(view.getBigUint64(8, true)) };
}
