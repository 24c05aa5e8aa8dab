'use client';

import type { BatchFailureList, BatchJob, Problem } from '@modelgate/contracts';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { Badge } from '@/components/badge';
import { buttonClasses } from '@/components/button';
import { DateTime } from '@/components/date-time';
import { PageHeader } from '@/components/page-header';
import { ProblemAlert } from '@/components/problem-alert';
import { Section } from '@/components/section';
import { Table, TableBody, TableHead, Td, Th } from '@/components/table';
import { usePolledApi } from '@/components/use-polled-api';
import { batchJobPath, callApi } from '@/lib/browser-api';
import { formatElapsed } from '@/lib/format';
import { formatCount, formatErrorRate } from '@/lib/metrics-format';
import { BatchResultsLinks, CancelBatchJob } from '../batch-job-actions';
import { isActive, mappingLines, STATUS_TONE, targetLabel } from '../batch-job-display';
import { BatchJobProgress } from '../batch-job-progress';

/** Read every second while the job can move; once it has ended, now and then (nothing changes any more). */
const ACTIVE_POLL_MS = 1_000;
const ENDED_POLL_MS = 60_000;

interface BatchJobDetailProps {
  initial: BatchJob;
  initialAt: number;
  eyebrow: ReactNode;
}

/** One job, live: its progress, where its rows go, how long it took, its results and its failed rows. */
export function BatchJobDetail({ initial, initialAt, eyebrow }: BatchJobDetailProps) {
  const [generation, setGeneration] = useState(0);
  const [activeSeen, setActiveSeen] = useState(isActive(initial));
  const polled = usePolledApi<BatchJob>({
    key: `batch-job-${generation}`,
    path: () => batchJobPath(initial.id),
    intervalMs: activeSeen ? ACTIVE_POLL_MS : ENDED_POLL_MS,
    initial: { ok: true, data: initial },
    initialKey: 'batch-job-0',
    initialAt,
  });
  const job = polled.data ?? initial;
  if (isActive(job) !== activeSeen) setActiveSeen(isActive(job));

  const took = job.startedAt && job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 : undefined;
  return (
    <>
      <PageHeader
        eyebrow={eyebrow}
        title={job.fileName}
        description={`Batch job ${job.id}`}
        actions={
          <>
            <BatchResultsLinks job={job} />
            <CancelBatchJob job={job} onCancelled={() => setGeneration((current) => current + 1)} />
          </>
        }
      >
        <Badge tone={STATUS_TONE[job.status]}>{job.status}</Badge>
      </PageHeader>

      <Section id="progress" title="Progress" description={isActive(job) ? 'Live: read again every second.' : undefined}>
        <div className="grid gap-4 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs">
          <BatchJobProgress job={job} />
          {job.error ? (
            <p role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
              {job.error}
            </p>
          ) : null}
        </div>
      </Section>

      <Section id="details" title="Details">
        <dl className="grid gap-x-8 gap-y-3 rounded-xl border border-zinc-200 bg-white p-5 text-sm shadow-xs sm:grid-cols-2">
          <Fact label="Scored with">{targetLabel(job.target)}</Fact>
          <Fact label="Format">{job.format.toUpperCase()}</Fact>
          <Fact label="Mapping">
            {mappingLines(job.mapping).map((line) => (
              <span key={line} className="block font-mono text-xs">
                {line}
              </span>
            ))}
          </Fact>
          <Fact label="Chunks">{formatCount(job.chunkSize)} rows each</Fact>
          <Fact label="Error budget">
            {formatErrorRate(job.errorBudget)} of the rows{job.progress.rowsDone > 0 ? ` (failed so far: ${formatErrorRate(job.progress.rowsFailed / job.progress.rowsDone)})` : ''}
          </Fact>
          <Fact label="Submitted">
            <DateTime iso={job.createdAt} />
            {job.createdBy ? ` by ${job.createdBy}` : ''}
          </Fact>
          <Fact label="Started">{job.startedAt ? <DateTime iso={job.startedAt} /> : 'not yet'}</Fact>
          <Fact label="Finished">
            {job.finishedAt ? (
              <>
                <DateTime iso={job.finishedAt} />
                {took !== undefined ? ` (took ${formatElapsed(took)})` : ''}
              </>
            ) : (
              '—'
            )}
          </Fact>
        </dl>
      </Section>

      <Section id="failures" title="Failed rows" description="Each with the line of the file it came from and why it failed; the other rows went on.">
        <BatchFailures job={job} />
      </Section>
    </>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{label}</dt>
      <dd className="mt-0.5 text-zinc-900">{children}</dd>
    </div>
  );
}

const FAILURES_PAGE = 100;

/** The failed rows, a page at a time; read again when more rows fail. */
function BatchFailures({ job }: { job: BatchJob }) {
  const [pages, setPages] = useState<BatchFailureList>({ items: [], nextCursor: null });
  const [problem, setProblem] = useState<Problem>();
  const [loading, setLoading] = useState(false);
  const failed = job.progress.rowsFailed;

  const load = useCallback(
    async (cursor: string | null) => {
      setLoading(true);
      const search = new URLSearchParams({ limit: String(FAILURES_PAGE), ...(cursor ? { cursor } : {}) });
      const result = await callApi<BatchFailureList>('GET', `${batchJobPath(job.id)}/failures?${search.toString()}`);
      setLoading(false);
      if (!result.ok) {
        setProblem(result.problem);
        return;
      }
      setProblem(undefined);
      setPages((current) => (cursor ? { items: [...current.items, ...result.data.items], nextCursor: result.data.nextCursor } : result.data));
    },
    [job.id],
  );

  // The first page again whenever the count of failed rows moves.
  useEffect(() => {
    if (failed > 0) void load(null);
  }, [failed, load]);

  if (failed === 0) return <p className="text-sm text-zinc-600">No row has failed.</p>;
  return (
    <div className="grid gap-3">
      {problem ? <ProblemAlert heading="The failed rows could not be read" problem={problem} /> : null}
      <Table caption="Failed rows">
        <TableHead>
          <Th className="text-right">Row</Th>
          <Th className="text-right">Line</Th>
          <Th>Reason</Th>
        </TableHead>
        <TableBody>
          {pages.items.map((failure) => (
            <tr key={failure.row}>
              <Td className="text-right tabular-nums">{formatCount(failure.row)}</Td>
              <Td className="text-right tabular-nums">{formatCount(failure.line)}</Td>
              <Td className="break-words text-zinc-800">{failure.error}</Td>
            </tr>
          ))}
        </TableBody>
      </Table>
      <p className="flex flex-wrap items-center gap-3 text-sm text-zinc-600">
        Showing {formatCount(pages.items.length)} of {formatCount(failed)}.
        {pages.nextCursor ? (
          <button type="button" onClick={() => void load(pages.nextCursor)} disabled={loading} className={buttonClasses('secondary')}>
            {loading ? 'Loading…' : 'Show more'}
          </button>
        ) : null}
      </p>
    </div>
  );
}
