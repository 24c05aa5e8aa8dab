'use client';

import Link from 'next/link';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { Badge } from '@/components/badge';
import { DateTime } from '@/components/date-time';
import { EmptyState } from '@/components/empty-state';
import { Table, TableBody, TableHead, Td, Th } from '@/components/table';
import { BatchResultsLinks, CancelBatchJob } from './batch-job-actions';
import { STATUS_TONE, targetLabel } from './batch-job-display';
import { BatchJobProgress } from './batch-job-progress';
import { useBatchJobsLive } from './batch-jobs-live';

/** Every job with its live progress; finished ones offer their results, running ones a cancel. */
export function BatchJobsTable() {
  const { polled, askAgain } = useBatchJobsLive();
  const { data, failure } = polled;
  if (!data) return failure ? <ApiErrorPanel failure={failure} /> : null;
  return (
    <div className="grid gap-3">
      {failure ? (
        <p role="status" className="text-sm text-amber-800">
          Could not refresh the list ({failure.kind === 'problem' ? `${failure.problem.status} ${failure.problem.title}` : 'the API is not answering'}); showing
          the last one received.
        </p>
      ) : null}
      {data.items.length === 0 ? (
        <EmptyState title="No batch jobs yet">Submit a CSV or JSONL file below: every row is scored, and the results can be downloaded.</EmptyState>
      ) : (
        <Table caption="Batch jobs, newest first">
          <TableHead>
            <Th>File</Th>
            <Th>Target</Th>
            <Th>Status</Th>
            <Th>Progress</Th>
            <Th>Submitted</Th>
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </TableHead>
          <TableBody>
            {data.items.map((job) => (
              <tr key={job.id} aria-label={`Batch job ${job.fileName} (${job.id})`}>
                <Td className="min-w-40">
                  <Link href={`/batch-jobs/${encodeURIComponent(job.id)}`} className="font-mono font-medium break-all text-indigo-700 hover:underline">
                    {job.fileName}
                  </Link>
                  <p className="mt-0.5 font-mono text-xs text-zinc-500">{job.id.slice(0, 8)}</p>
                </Td>
                <Td className="text-zinc-700">{targetLabel(job.target)}</Td>
                <Td>
                  <Badge tone={STATUS_TONE[job.status]}>{job.status}</Badge>
                </Td>
                <Td>
                  <BatchJobProgress job={job} compact />
                </Td>
                <Td className="text-zinc-600">
                  <DateTime iso={job.createdAt} />
                  {job.createdBy ? <p className="mt-0.5 text-xs text-zinc-500">{job.createdBy}</p> : null}
                </Td>
                <Td>
                  <span className="flex flex-wrap justify-end gap-2">
                    <BatchResultsLinks job={job} />
                    <CancelBatchJob job={job} onCancelled={askAgain} />
                  </span>
                </Td>
              </tr>
            ))}
          </TableBody>
        </Table>
      )}
    </div>
  );
}
