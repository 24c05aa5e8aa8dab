import type { BatchJob, BatchJobStatus, BatchMapping } from '@modelgate/contracts';
import type { BadgeTone } from '@/components/badge';
import { batchJobPath } from '@/lib/browser-api';
import { formatElapsed } from '@/lib/format';
import { formatCount } from '@/lib/metrics-format';

/** How a batch job reads on the dashboard: its status, target, mapping, progress. */

export const STATUS_TONE: Record<BatchJobStatus, BadgeTone> = {
  queued: 'neutral',
  running: 'accent',
  succeeded: 'green',
  failed: 'red',
  cancelled: 'amber',
};

/** Queued or running: it can still move, be cancelled, and is worth watching closely. */
export const isActive = (job: BatchJob) => job.status === 'queued' || job.status === 'running';

/** `endpoint fraud` (its routing picks each row's version) or `fraud v3 (pinned)`. */
export function targetLabel(target: BatchJob['target']): string {
  return 'endpoint' in target ? `endpoint ${target.endpoint}` : `${target.model} v${target.version} (pinned)`;
}

/** `x ← a, b, c`: which column(s) feed each input. */
export function mappingLines(mapping: BatchMapping): string[] {
  return Object.entries(mapping).map(([input, source]) => `${input} ← ${typeof source === 'string' ? source : source.join(', ')}`);
}

/** Whole percent of the rows done, never 100 before the last row (a rounded 99.6 would claim a finished job). */
export function percentDone(job: BatchJob): number {
  const { rowsDone, totalRows } = job.progress;
  if (totalRows <= 0 || rowsDone >= totalRows) return 100;
  return Math.min(99, Math.floor((rowsDone * 100) / totalRows));
}

/** `1,234 rows/s`, `4.5 rows/s`, or `—` before any row is done. */
export function formatRowsPerSecond(rowsPerSecond: number | null): string {
  if (rowsPerSecond === null) return '—';
  return `${rowsPerSecond >= 100 ? formatCount(Math.round(rowsPerSecond)) : Number(rowsPerSecond.toFixed(1))} rows/s`;
}

/** `12 s left`, `4 min 05 s left`; nothing once it is done or when the rate is not known yet. */
export function etaText(job: BatchJob): string | undefined {
  if (!isActive(job) || job.progress.etaSeconds === null) return undefined;
  return `${formatElapsed(Math.ceil(job.progress.etaSeconds))} left`;
}

/** The results through the dashboard's proxy: the session cookie goes along, and the API names the file. */
export function resultsPath(job: BatchJob, format: 'csv' | 'jsonl'): string {
  return `${batchJobPath(job.id)}/results?format=${format}`;
}
