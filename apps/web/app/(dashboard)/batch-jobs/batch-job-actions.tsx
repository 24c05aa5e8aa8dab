'use client';

import { Action, type BatchJob, type Problem } from '@modelgate/contracts';
import { useRef, useState } from 'react';
import { buttonClasses } from '@/components/button';
import { ModalDialog } from '@/components/modal-dialog';
import { NotAllowedButton } from '@/components/not-allowed';
import { ProblemAlert } from '@/components/problem-alert';
import { useCan } from '@/components/session-provider';
import { batchJobPath, callApi } from '@/lib/browser-api';
import { formatCount } from '@/lib/metrics-format';
import { isActive, resultsPath } from './batch-job-display';

/**
 * The results as CSV and JSONL, once the job has ended with rows done. Plain links through the
 * dashboard's proxy: the browser streams the download to disk, whatever its size.
 */
export function BatchResultsLinks({ job }: { job: BatchJob }) {
  if (isActive(job) || job.progress.rowsDone === 0) return null;
  return (
    <span className="inline-flex flex-wrap gap-2">
      <a href={resultsPath(job, 'csv')} download className={buttonClasses('secondary')} aria-label={`Download the results of ${job.fileName} as CSV`}>
        Download CSV
      </a>
      <a href={resultsPath(job, 'jsonl')} download className={buttonClasses('secondary')} aria-label={`Download the results of ${job.fileName} as JSONL`}>
        Download JSONL
      </a>
    </span>
  );
}

/** Stops a queued or running job after a confirmation; rows already scored keep their results. */
export function CancelBatchJob({ job, onCancelled }: { job: BatchJob; onCancelled: (job: BatchJob) => void }) {
  const allowed = useCan(Action.predict);
  const dialog = useRef<HTMLDialogElement>(null);
  const [problem, setProblem] = useState<Problem>();
  const [pending, setPending] = useState(false);

  if (!isActive(job)) return null;
  if (!allowed.allowed) return <NotAllowedButton label="Cancel" reason={allowed.reason} />;

  async function cancel() {
    setPending(true);
    setProblem(undefined);
    const result = await callApi<BatchJob>('POST', `${batchJobPath(job.id)}/cancel`);
    setPending(false);
    if (!result.ok) {
      setProblem(result.problem);
      return;
    }
    dialog.current?.close();
    onCancelled(result.data);
  }

  return (
    <>
      <button
        type="button"
        onClick={() => {
          setProblem(undefined);
          dialog.current?.showModal();
        }}
        className={buttonClasses('secondary')}
        aria-label={`Cancel the batch job of ${job.fileName}`}
      >
        Cancel
      </button>
      <ModalDialog dialog={dialog} title={`Cancel the batch job of ${job.fileName}?`} onClose={() => setProblem(undefined)}>
        <p className="text-sm text-zinc-700">
          No more of its rows are scored. The {formatCount(job.progress.rowsDone)} rows already done of {formatCount(job.progress.totalRows)} keep their
          results, which stay downloadable.
        </p>
        {problem ? <ProblemAlert heading="The job was not cancelled" problem={problem} /> : null}
        <div className="flex flex-wrap justify-end gap-2">
          <button type="button" autoFocus onClick={() => dialog.current?.close()} className={buttonClasses('secondary')}>
            Keep it running
          </button>
          <button type="button" onClick={cancel} disabled={pending} className={buttonClasses('danger')}>
            {pending ? 'Cancelling…' : 'Cancel the job'}
          </button>
        </div>
      </ModalDialog>
    </>
  );
}
