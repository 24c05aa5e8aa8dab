import { BatchFileFormat, BatchMapping, type BatchJob } from '@modelgate/contracts';
import type { BatchJob as BatchJobRow } from '@modelgate/db';

export type BatchTarget = BatchJob['target'];

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * A batch job as the API shows it. Its rate is the rows done since it started, over the time since
 * (or until it finished); the ETA is what is left at that rate.
 */
export function toBatchJobView(row: BatchJobRow, target: BatchTarget, now = new Date()): BatchJob {
  const seconds = row.startedAt ? ((row.finishedAt ?? now).getTime() - row.startedAt.getTime()) / 1000 : 0;
  const rowsPerSecond = seconds > 0 && row.rowsDone > 0 ? row.rowsDone / seconds : null;
  const etaSeconds =
    row.status === 'succeeded' ? 0 : row.status === 'running' && rowsPerSecond ? Math.max(0, (row.totalRows - row.rowsDone) / rowsPerSecond) : null;
  return {
    id: row.id,
    status: row.status,
    format: BatchFileFormat.parse(row.format),
    fileName: row.fileName,
    target,
    mapping: BatchMapping.parse(row.mapping),
    chunkSize: row.chunkSize,
    errorBudget: row.errorBudget,
    progress: {
      totalRows: row.totalRows,
      rowsDone: row.rowsDone,
      rowsFailed: row.rowsFailed,
      rowsPerSecond: rowsPerSecond === null ? null : round(rowsPerSecond, 1),
      etaSeconds: etaSeconds === null ? null : round(etaSeconds, 1),
    },
    error: row.error,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}
