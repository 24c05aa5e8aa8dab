'use client';

import { Action, type ModelVersion } from '@modelgate/contracts';
import { useId } from 'react';
import { buttonClasses } from '@/components/button';
import { NotAllowedButton } from '@/components/not-allowed';
import { ProblemAlert } from '@/components/problem-alert';
import { useCan } from '@/components/session-provider';
import { useDialogChange } from '@/components/use-dialog-change';
import { callApi, modelVersionPath } from '@/lib/browser-api';

interface ArchiveVersionProps {
  model: string;
  version: number;
  /** Endpoints routing here when the page was rendered: the API will refuse while there are any. */
  servedBy: string[];
}

/**
 * "Archive version" and its confirmation: a modal <dialog> (focus kept inside, Escape closes)
 * that says what archiving does and shows the API's refusal in place, e.g. while an endpoint still
 * routes to the version.
 */
export function ArchiveVersion({ model, version, servedBy }: ArchiveVersionProps) {
  const { dialog, problem, pending: archiving, open, submit, clearProblem } = useDialogChange();
  const titleId = useId();
  const descriptionId = useId();
  const allowed = useCan(Action.manageModels);

  const archive = () => submit(() => callApi<ModelVersion>('DELETE', modelVersionPath(model, version)));

  if (!allowed.allowed) return <NotAllowedButton label="Archive version" reason={allowed.reason} align="end" />;
  return (
    <>
      <button type="button" onClick={open} className={buttonClasses('secondary')}>
        Archive version
      </button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        aria-describedby={descriptionId}
        onClose={() => clearProblem()}
        className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/40"
      >
        <div className="grid gap-4 p-6">
          <h2 id={titleId} className="text-lg font-semibold tracking-tight text-zinc-950">
            Archive {model} v{version}?
          </h2>
          <div id={descriptionId} className="grid gap-2 text-sm text-zinc-700">
            <p>
              Archiving keeps v{version}&apos;s number, artifact and history, but it can no longer be deployed to an
              endpoint. It stays listed on the model page, marked “archived”.
            </p>
            {servedBy.length > 0 ? (
              <p className="text-amber-800">
                {servedBy.join(', ')} still {servedBy.length === 1 ? 'routes' : 'route'} traffic here: the API refuses to
                archive a version an endpoint routes to.
              </p>
            ) : null}
          </div>
          {problem ? <ProblemAlert heading="Not archived" problem={problem} /> : null}
          <div className="flex flex-wrap justify-end gap-2">
            {/* Cancel comes first and takes the focus: the safe choice is the default one. */}
            <button type="button" autoFocus onClick={() => dialog.current?.close()} className={buttonClasses('secondary')}>
              Cancel
            </button>
            <button type="button" onClick={archive} disabled={archiving} className={buttonClasses('danger')}>
              {archiving ? 'Archiving…' : `Archive v${version}`}
            </button>
          </div>
        </div>
      </dialog>
    </>
  );
}
