import type { BatchJob } from '@modelgate/contracts';
import { formatCount } from '@/lib/metrics-format';
import { etaText, formatRowsPerSecond, percentDone } from './batch-job-display';

/**
 * A job's rows done of its total as a progress bar, with the rate, the time left and the rows
 * that failed. Named after the file, so each job's bar can be told apart.
 */
export function BatchJobProgress({ job, compact = false }: { job: BatchJob; compact?: boolean }) {
  const percent = percentDone(job);
  const { rowsDone, totalRows, rowsFailed, rowsPerSecond } = job.progress;
  const rows = `${formatCount(rowsDone)} of ${formatCount(totalRows)} rows`;
  const eta = etaText(job);
  const colour =
    job.status === 'succeeded' ? 'bg-emerald-500' : job.status === 'failed' ? 'bg-red-500' : job.status === 'cancelled' ? 'bg-amber-400' : 'bg-indigo-600';
  return (
    <div className={`grid gap-1.5 ${compact ? 'min-w-52' : ''}`}>
      <div
        role="progressbar"
        aria-label={`Rows done, ${job.fileName}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent} %, ${rows}`}
        className={`${compact ? 'h-1.5' : 'h-2.5'} overflow-hidden rounded-full bg-zinc-200`}
      >
        <div className={`h-full rounded-full transition-[width] duration-200 ${colour}`} style={{ width: `${percent}%` }} />
      </div>
      <p className="flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-zinc-600 tabular-nums">
        <span className="font-medium text-zinc-800">{percent} %</span>
        <span>{rows}</span>
        {rowsPerSecond !== null ? <span>{formatRowsPerSecond(rowsPerSecond)}</span> : null}
        {eta ? <span>{eta}</span> : null}
        <span className={rowsFailed > 0 ? 'font-medium text-red-700' : undefined}>{formatCount(rowsFailed)} failed</span>
      </p>
    </div>
  );
}
