import { PassThrough, type Readable } from 'node:stream';
import { tensorOutputNames, type BatchFileFormat, type Signature } from '@modelgate/contracts';
import { Prisma, type Db } from '@modelgate/db';

/** Rows fetched from the cursor at a time: all of a download this process holds at once. */
const ROWS_PER_FETCH = 2000;
/** A download slower than this is cut off: its transaction would otherwise hold a connection (and old row versions) indefinitely. */
const DOWNLOAD_TIMEOUT_MS = 30 * 60_000;

interface ResultRow {
  row: number;
  line: number;
  version_id: string | null;
  /** JSONL: the outputs as JSON text. */
  outputs?: string | null;
  /** CSV: each output's cell. */
  cells?: (string | null)[];
  error: string | null;
}

interface VersionLabel {
  model: string;
  version: number;
  outputs: string[];
}

/** The caller went away: the download stops, and its transaction ends. */
class DownloadAbandoned extends Error {}

/**
 * A job's results, in row order, as CSV or JSONL, streamed as the caller reads them: one query
 * through a PostgreSQL cursor (in a read-only transaction), fetched a page at a time and written on
 * only as fast as the caller takes it, so neither side ever holds more than a page however many
 * rows the job has. (A cursor, not `LIMIT` pages: right after a job's rows arrive the planner's
 * statistics are stale, and each page would then re-read and sort every row after it.)
 * - JSONL: `{"row", "line", "model", "version", "outputs"}` per scored row; `{"row", "line",
 *   "error"}` (with the version when one was chosen) per failed row.
 * - CSV: `row,line,model,version,<each output>,error`; a scalar output is written as is, any other
 *   as JSON.
 */
export async function streamResults(db: Db, jobId: string, format: BatchFileFormat): Promise<Readable> {
  const labels = new VersionLabels(db);
  let csvOutputs: string[] | undefined;
  if (format === 'csv') {
    // The header needs every output name up front: those of the versions that scored any row.
    const versions = await db.$queryRaw<{ version_id: string }[]>`SELECT DISTINCT version_id::text FROM batch_results WHERE job_id = ${jobId}::uuid AND version_id IS NOT NULL`;
    await labels.load(versions.map((version) => version.version_id));
    csvOutputs = [...new Set(versions.flatMap((version) => labels.get(version.version_id)?.outputs ?? []))];
  }
  const output = new PassThrough();
  const write = async (text: string) => {
    if (output.destroyed) throw new DownloadAbandoned();
    if (!output.write(text)) await drainedOrClosed(output);
    if (output.destroyed) throw new DownloadAbandoned();
  };
  const produce = db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SET TRANSACTION READ ONLY`;
      if (csvOutputs) await write(csvLine(['row', 'line', 'model', 'version', ...csvOutputs, 'error']));
      // For CSV each output is taken out of the JSON in SQL (`->>`: a scalar as its text, anything
      // else as JSON); for JSONL the outputs go through as the JSON text they are stored as.
      const selected = csvOutputs
        ? csvOutputs.length > 0
          ? Prisma.sql`ARRAY[${Prisma.join(csvOutputs.map((name) => Prisma.sql`outputs ->> ${name}`))}] AS cells`
          : Prisma.sql`ARRAY[]::text[] AS cells`
        : Prisma.sql`outputs::text AS outputs`;
      await tx.$executeRaw`DECLARE batch_results_download NO SCROLL CURSOR FOR
        SELECT "row", line, version_id::text, ${selected}, error FROM batch_results WHERE job_id = ${jobId}::uuid ORDER BY "row"`;
      for (;;) {
        const rows = await tx.$queryRawUnsafe<ResultRow[]>(`FETCH ${ROWS_PER_FETCH} FROM batch_results_download`);
        if (rows.length === 0) return;
        await labels.load(rows.flatMap((row) => (row.version_id ? [row.version_id] : [])));
        await write(csvOutputs ? csvRows(rows, labels) : jsonlRows(rows, labels));
      }
    },
    { timeout: DOWNLOAD_TIMEOUT_MS, maxWait: 10_000 },
  );
  produce.then(
    () => output.end(),
    (error: unknown) => output.destroy(error instanceof DownloadAbandoned ? undefined : (error as Error)),
  );
  return output;
}

/** Resolves when the caller has taken what was written, or has gone away. */
function drainedOrClosed(stream: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done).off('close', done);
      resolve();
    };
    stream.on('drain', done).on('close', done);
  });
}

function jsonlRows(rows: ResultRow[], labels: VersionLabels): string {
  let text = '';
  for (const row of rows) {
    const label = row.version_id ? labels.get(row.version_id) : undefined;
    const version = label ? `,"model":${JSON.stringify(label.model)},"version":${label.version}` : '';
    text += row.error === null ? `{"row":${row.row},"line":${row.line}${version},"outputs":${row.outputs}}\n` : `{"row":${row.row},"line":${row.line}${version},"error":${JSON.stringify(row.error)}}\n`;
  }
  return text;
}

function csvRows(rows: ResultRow[], labels: VersionLabels): string {
  let text = '';
  for (const row of rows) {
    const label = row.version_id ? labels.get(row.version_id) : undefined;
    text += csvLine([String(row.row), String(row.line), label?.model ?? '', label ? String(label.version) : '', ...row.cells!.map((cell) => cell ?? ''), row.error ?? '']);
  }
  return text;
}

/** RFC 4180 quoting (a field with a comma, quote or line break is quoted, its quotes doubled); lines end with \n. */
function csvLine(fields: string[]): string {
  return fields.map((field) => (/[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)).join(',') + '\n';
}

/** Model name, version number and output names per version id, looked up once per download. */
class VersionLabels {
  private readonly labels = new Map<string, VersionLabel>();

  constructor(private readonly db: Db) {}

  get(versionId: string): VersionLabel | undefined {
    return this.labels.get(versionId);
  }

  async load(versionIds: string[]): Promise<void> {
    const missing = [...new Set(versionIds)].filter((id) => !this.labels.has(id));
    if (missing.length === 0) return;
    const versions = await this.db.modelVersion.findMany({ where: { id: { in: missing } }, select: { id: true, version: true, signature: true, model: { select: { name: true } } } });
    for (const version of versions) {
      this.labels.set(version.id, { model: version.model.name, version: version.version, outputs: tensorOutputNames(version.signature as unknown as Signature) });
    }
  }
}
