import type { BatchFailureList, BatchJob, BatchJobList, BatchJobStatus, BatchMapping } from '@modelgate/contracts';
import { formatBytes, formatCount, formatDateTime, formatDuration, formatRate, percentOf } from '../format/quantities.js';
import type { Style } from '../format/style.js';
import { formatFields, formatTable } from '../format/table.js';

/** Whether a job can still change: queued or running. */
export const isActiveBatchJob = (job: BatchJob) => job.status === 'queued' || job.status === 'running';

function styledStatus(status: BatchJobStatus, style: Style): string {
  if (status === 'succeeded') return style.green(status);
  if (status === 'failed') return style.red(status);
  return style.yellow(status);
}

/** `endpoint fraud` (its routing picks each row's version) or `fraud@v3 (pinned)`. */
export function describeTarget(target: BatchJob['target']): string {
  return 'endpoint' in target ? `endpoint ${target.endpoint}` : `${target.model}@v${target.version} (pinned)`;
}

/** The mapping written as `--mapping` takes it: `x=a,b,c  y=features`. */
export function describeMapping(mapping: BatchMapping): string {
  const entries = Object.entries(mapping);
  if (entries.length === 0) return '—';
  return entries.map(([input, source]) => `${input}=${typeof source === 'string' ? source : source.join(',')}`).join('  ');
}

/** `2,250 of 5,000 rows (45 %)` */
function rowsDone(job: BatchJob): string {
  const { rowsDone: done, totalRows } = job.progress;
  return `${formatCount(done)} of ${formatCount(totalRows)} rows (${percentOf(done, totalRows)} %)`;
}

/** `1,234 rows/s` or `—` before any row is done. */
export function formatRowsPerSecond(rowsPerSecond: number | null): string {
  if (rowsPerSecond === null) return '—';
  return `${rowsPerSecond >= 100 ? formatCount(Math.round(rowsPerSecond)) : Number(rowsPerSecond.toFixed(1))} rows/s`;
}

/**
 * One line per change while a job is watched on a pipe:
 * `running: 2,250 of 5,000 rows (45 %), 1,234 rows/s, ETA 2s, 3 failed`.
 */
export function batchProgressLine(job: BatchJob): string {
  const parts = [`${job.status}: ${rowsDone(job)}`];
  if (job.progress.rowsPerSecond !== null) parts.push(formatRowsPerSecond(job.progress.rowsPerSecond));
  if (isActiveBatchJob(job) && job.progress.etaSeconds !== null) parts.push(`ETA ${formatDuration(job.progress.etaSeconds)}`);
  parts.push(`${formatCount(job.progress.rowsFailed)} failed`);
  return parts.join(', ');
}

/** What `batch status` prints: where the rows go, how far it got, how fast, what failed and what to do next. */
export function describeBatchJob(job: BatchJob, style: Style): string {
  const { progress } = job;
  const fields: [string, string][] = [
    ['file', `${job.fileName} (${job.format})`],
    ['target', describeTarget(job.target)],
    ['mapping', describeMapping(job.mapping)],
    ['rows', rowsDone(job)],
    [
      'failed',
      `${formatCount(progress.rowsFailed)}${progress.rowsDone > 0 ? ` (${formatRate(progress.rowsFailed / progress.rowsDone)})` : ''}; the job fails beyond ${formatRate(job.errorBudget)} of its rows`,
    ],
    ['speed', formatRowsPerSecond(progress.rowsPerSecond)],
  ];
  if (isActiveBatchJob(job)) fields.push(['eta', progress.etaSeconds === null ? '—' : formatDuration(progress.etaSeconds)]);
  fields.push(['chunks', `${formatCount(job.chunkSize)} rows each`]);
  if (job.error) fields.push(['error', job.error]);
  fields.push(['created', `${formatDateTime(job.createdAt)}${job.createdBy ? ` by ${job.createdBy}` : ''}`]);
  if (job.startedAt) fields.push(['started', formatDateTime(job.startedAt)]);
  if (job.finishedAt) {
    const took = job.startedAt ? ` (took ${formatDuration((Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000)})` : '';
    fields.push(['finished', `${formatDateTime(job.finishedAt)}${took}`]);
  }
  if (!isActiveBatchJob(job) && progress.rowsDone > 0) fields.push(['results', `modelgate batch download ${job.id}`]);
  if (progress.rowsFailed > 0) fields.push(['failures', `modelgate batch failures ${job.id}`]);
  return `${style.bold(`batch job ${job.id}`)}: ${styledStatus(job.status, style)}\n${formatFields(fields, style)}`;
}

/** What `batch submit` prints once the API has the file (without --wait). */
export function describeSubmittedJob(job: BatchJob, style: Style): string {
  return [
    `${style.bold(`batch job ${job.id}`)} ${job.status}: ${job.fileName}, ${formatCount(job.progress.totalRows)} rows → ${describeTarget(job.target)}`,
    `mapping  ${describeMapping(job.mapping)}`,
    `follow it with \`modelgate batch status ${job.id} --watch\``,
  ].join('\n');
}

export function describeBatchJobList(list: BatchJobList, style: Style): string {
  if (list.items.length === 0) return 'no batch jobs yet: submit one with `modelgate batch submit <file> --endpoint <endpoint>`';
  const rows = list.items.map((job) => [
    job.id,
    job.status,
    job.fileName,
    describeTarget(job.target),
    `${formatCount(job.progress.rowsDone)}/${formatCount(job.progress.totalRows)}`,
    formatCount(job.progress.rowsFailed),
    formatDateTime(job.createdAt),
  ]);
  const table = formatTable(['id', 'status', 'file', 'target', 'rows', 'failed', 'created'], rows, style);
  return list.nextCursor ? `${table}\n(more: --cursor ${list.nextCursor})` : table;
}

export function describeBatchFailures(jobId: string, list: BatchFailureList, style: Style): string {
  if (list.items.length === 0) return `batch job ${jobId} has no failed rows`;
  const table = formatTable(
    ['row', 'line', 'error'],
    list.items.map((failure) => [String(failure.row), String(failure.line), failure.error]),
    style,
  );
  return list.nextCursor ? `${table}\n(more: --cursor ${list.nextCursor})` : table;
}

/** `saved the results of batch job … (5,000 rows, 96.4 KiB) to rows.results.csv` */
export function describeDownload(job: BatchJob, bytes: number, destination: string): string {
  return `saved the results of batch job ${job.id} (${formatCount(job.progress.rowsDone)} rows, ${formatBytes(bytes)}) to ${destination}`;
}
