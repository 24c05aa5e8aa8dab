'use client';

import { Action, type Endpoint, type Revision, type RollbackBody } from '@modelgate/contracts';
import { useState } from 'react';
import { buttonClasses } from '@/components/button';
import { Field, inputClasses } from '@/components/form-field';
import { ModalDialog } from '@/components/modal-dialog';
import { NotAllowedButton } from '@/components/not-allowed';
import { ProblemAlert } from '@/components/problem-alert';
import { RouteSummary } from '@/components/route-summary';
import { useCan } from '@/components/session-provider';
import { useDialogChange } from '@/components/use-dialog-change';
import { callApi, endpointPath } from '@/lib/browser-api';

interface RollBackProps {
  endpoint: string;
  active: Revision | null;
  /** The revision just before the active one: what a rollback copies. */
  previous: Revision | undefined;
}

/**
 * "Roll back" and its confirmation, which shows exactly what changes: the active routes, then
 * those of the previous revision. The request names that revision, so what was shown is what
 * happens even if the history moved meanwhile (then the API answers 409 instead).
 */
export function RollBack({ endpoint, active, previous }: RollBackProps) {
  const allowed = useCan(Action.rollback, { endpoint });
  const [reason, setReason] = useState('');
  const { dialog, problem, pending: rolling, open, submit, clearProblem } = useDialogChange();

  if (!allowed.allowed) return <NotAllowedButton label="Roll back" reason={allowed.reason} align="end" />;
  if (!active || !previous) {
    const why = active ? `revision ${active.number} is the first: there is nothing earlier to go back to` : 'nothing is deployed yet';
    return <NotAllowedButton label="Roll back" reason={why} align="end" />;
  }

  async function rollBack() {
    if (!active || !previous) return;
    const body: RollbackBody = {
      toRevision: previous.number,
      expectedRevision: active.number,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    };
    await submit(() => callApi<Endpoint>('POST', `${endpointPath(endpoint)}/rollback`, body));
  }

  return (
    <>
      <button
        type="button"
        onClick={open}
        className={buttonClasses('secondary')}
      >
        Roll back
      </button>
      <ModalDialog
        dialog={dialog}
        title={`Roll back ${endpoint} to revision ${previous.number}?`}
        onClose={() => {
          clearProblem();
          setReason('');
        }}
      >
        <p className="text-sm text-zinc-700">
          Traffic moves at once, on every API process. This writes revision {active.number + 1}, a copy of revision{' '}
          {previous.number}; the history keeps revision {active.number}, so you can roll forward again.
        </p>
        <div className="grid items-start gap-3 rounded-lg border border-zinc-200 p-4 sm:grid-cols-[1fr_auto_1fr]">
          <div>
            <p className="mb-1.5 text-xs font-medium tracking-wide text-zinc-500 uppercase">Now · revision {active.number}</p>
            <RouteSummary revision={active} />
          </div>
          <span aria-hidden="true" className="self-center text-zinc-400">
            →
          </span>
          <div>
            <p className="mb-1.5 text-xs font-medium tracking-wide text-zinc-500 uppercase">After · as revision {previous.number}</p>
            <RouteSummary revision={previous} />
          </div>
        </div>
        <Field id="rollback-reason" label="Reason" optional>
          <input
            id="rollback-reason"
            type="text"
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            placeholder="e.g. canary error rate too high"
            className={inputClasses(false)}
          />
        </Field>
        {problem ? <ProblemAlert heading="Not rolled back" problem={problem} /> : null}
        <div className="flex flex-wrap justify-end gap-2">
          {/* The safe choice takes the focus. */}
          <button type="button" autoFocus onClick={() => dialog.current?.close()} className={buttonClasses('secondary')}>
            Cancel
          </button>
          <button type="button" onClick={rollBack} disabled={rolling} className={buttonClasses('danger')}>
            {rolling ? 'Rolling back…' : `Roll back to revision ${previous.number}`}
          </button>
        </div>
      </ModalDialog>
    </>
  );
}
