'use client';

import { Action, type Endpoint, type Revision, type RollbackBody } from '@modelgate/contracts';
import { useId, useState } from 'react';
import { buttonClasses } from '@/components/button';
import { ModalDialog } from '@/components/modal-dialog';
import { NotAllowedButton } from '@/components/not-allowed';
import { useCan } from '@/components/session-provider';
import { useDialogChange } from '@/components/use-dialog-change';
import { callApi, endpointPath } from '@/lib/browser-api';
import { StopsRunningRollout } from './endpoint-rollouts';
import { RoutingChangePreview } from './routing-changes';
import { RoutingProblemAlert } from './routing-problem-alert';
import { ReasonField } from './reason-field';

interface RollBackProps {
  endpoint: string;
  active: Revision | null;
  /** The revision just before the active one: what a rollback copies. */
  previous: Revision | undefined;
}

/** "Roll back" in the page header: one click to the revision before the active one, after confirming. */
export function RollBack({ endpoint, active, previous }: RollBackProps) {
  const allowed = useCan(Action.rollback, { endpoint });
  const change = useDialogChange();

  if (!allowed.allowed) return <NotAllowedButton label="Roll back" reason={allowed.reason} align="end" />;
  if (!active || !previous) {
    const why = active ? `revision ${active.number} is the first: there is nothing earlier to go back to` : 'nothing is deployed yet';
    return <NotAllowedButton label="Roll back" reason={why} align="end" />;
  }
  return (
    <>
      <button type="button" onClick={change.open} className={buttonClasses('secondary')}>
        Roll back
      </button>
      <RollBackDialog endpoint={endpoint} active={active} target={previous} change={change} />
    </>
  );
}

interface RollBackDialogProps {
  endpoint: string;
  active: Revision;
  /** The revision to go back to; nothing is shown until one is chosen. */
  target: Revision | undefined;
  /** The dialog and its request, from the component that opens it. */
  change: ReturnType<typeof useDialogChange>;
}

/**
 * The rollback confirmation, which shows exactly what changes: the active routes and shadows,
 * those of the target revision, and the difference line by line. The request names both
 * revisions, so what was shown is what happens even if the history moved meanwhile (then the API
 * answers 409 stale_revision, and the dialog offers to load the newest revision).
 */
export function RollBackDialog({ endpoint, active, target, change }: RollBackDialogProps) {
  const [reason, setReason] = useState('');
  // Unique per dialog: the page can hold several of these, and a label must find its own field.
  const reasonId = useId();
  const { dialog, problem, pending, submit, clearProblem } = change;

  async function rollBack() {
    if (!target) return;
    const body: RollbackBody = {
      toRevision: target.number,
      expectedRevision: active.number,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    };
    await submit(() => callApi<Endpoint>('POST', `${endpointPath(endpoint)}/rollback`, body));
  }

  return (
    <ModalDialog
      dialog={dialog}
      title={target ? `Roll back ${endpoint} to revision ${target.number}?` : `Roll back ${endpoint}`}
      onClose={() => {
        clearProblem();
        setReason('');
      }}
    >
      {target ? (
        <>
          <p className="text-sm text-zinc-700">
            Traffic moves at once, on every API process. This writes revision {active.number + 1}, a copy of revision {target.number}; the
            history keeps revision {active.number}, so you can roll forward again.
          </p>
          <RoutingChangePreview
            before={active}
            after={target}
            beforeLabel={`Now · revision ${active.number}`}
            afterLabel={`After · as revision ${target.number}`}
          />
          <ReasonField id={reasonId} value={reason} onChange={setReason} placeholder="e.g. canary error rate too high" />
          <StopsRunningRollout />
          {problem ? <RoutingProblemAlert heading="Not rolled back" problem={problem} onReloaded={clearProblem} /> : null}
          <div className="flex flex-wrap justify-end gap-2">
            {/* The safe choice takes the focus. */}
            <button type="button" autoFocus onClick={() => dialog.current?.close()} className={buttonClasses('secondary')}>
              Cancel
            </button>
            <button type="button" onClick={rollBack} disabled={pending} className={buttonClasses('danger')}>
              {pending ? 'Rolling back…' : `Roll back to revision ${target.number}`}
            </button>
          </div>
        </>
      ) : null}
    </ModalDialog>
  );
}
