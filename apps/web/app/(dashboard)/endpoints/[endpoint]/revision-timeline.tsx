'use client';

import { Action, type Revision } from '@modelgate/contracts';
import { useState } from 'react';
import { Badge } from '@/components/badge';
import { buttonClasses } from '@/components/button';
import { DateTime } from '@/components/date-time';
import { EmptyState } from '@/components/empty-state';
import { RouteSummary } from '@/components/route-summary';
import { useCan } from '@/components/session-provider';
import { useDialogChange } from '@/components/use-dialog-change';
import { RevisionKindBadge, revisionAuthor } from './revision-labels';
import { RollBackDialog } from './roll-back';
import { RoutingChanges } from './routing-changes';
import { diffRouting } from './routing-diff';

interface RevisionTimelineProps {
  endpoint: string;
  /** Newest first, as the API lists them. */
  revisions: Revision[];
  active: Revision | null;
}

const DOT_COLOUR: Record<string, string> = {
  promote: 'bg-emerald-500',
  'auto-promote': 'bg-emerald-500',
  rollback: 'bg-red-500',
  'auto-rollback': 'bg-red-500',
  canary: 'bg-amber-500',
  'auto-advance': 'bg-amber-500',
};

/**
 * Every revision of the endpoint, newest first: its kind, who made it and when, why, and what it
 * changed from the revision before. Admins can roll back to any earlier one from here, through
 * the same confirmation as the header's "Roll back".
 */
export function RevisionTimeline({ endpoint, revisions, active }: RevisionTimelineProps) {
  const canRollBack = useCan(Action.rollback, { endpoint }).allowed;
  const change = useDialogChange();
  const [target, setTarget] = useState<Revision>();

  if (revisions.length === 0) return <EmptyState title="No revisions yet">Each deploy, promote and rollback will show here.</EmptyState>;

  function rollBackTo(revision: Revision) {
    setTarget(revision);
    change.open();
  }

  return (
    <>
      <ol aria-label="Revisions, newest first" className="ml-2 border-l border-zinc-200">
        {revisions.map((revision, index) => {
          const before = revisions[index + 1] ?? null;
          const changes = diffRouting(before, revision);
          const isActive = revision.number === active?.number;
          const titleId = `revision-${revision.number}-title`;
          return (
            <li key={revision.number} className="relative pb-4 pl-6 last:pb-0">
              <span
                aria-hidden="true"
                className={`absolute top-5 -left-[5px] size-2.5 rounded-full ring-4 ring-zinc-50 ${DOT_COLOUR[revision.kind] ?? 'bg-indigo-500'}`}
              />
              <article
                aria-labelledby={titleId}
                className={`rounded-xl border bg-white p-4 shadow-xs ${isActive ? 'border-indigo-200 ring-1 ring-indigo-100' : 'border-zinc-200'}`}
              >
                <header className="flex flex-wrap items-center gap-x-2 gap-y-1.5">
                  <h3 id={titleId} className="text-sm font-semibold text-zinc-950 tabular-nums">
                    Revision {revision.number}
                  </h3>
                  {isActive ? <Badge tone="accent">active</Badge> : null}
                  <RevisionKindBadge kind={revision.kind} />
                  <span className="text-sm text-zinc-600">
                    by <span className="text-zinc-900">{revisionAuthor(revision)}</span> · <DateTime iso={revision.createdAt} />
                  </span>
                  {canRollBack && active && !isActive ? (
                    <button type="button" onClick={() => rollBackTo(revision)} className={buttonClasses('secondary', 'ml-auto py-1 text-xs')}>
                      Roll back to this<span className="sr-only"> (revision {revision.number})</span>
                    </button>
                  ) : null}
                </header>
                {revision.reason ? <p className="mt-2 text-sm text-zinc-700">“{revision.reason}”</p> : null}
                <div className="mt-3 grid gap-4 sm:grid-cols-2">
                  <div>
                    <p className="mb-1 text-xs font-medium tracking-wide text-zinc-500 uppercase">
                      {before ? `Changes from revision ${before.number}` : 'First routing'}
                    </p>
                    {changes.length > 0 ? (
                      <RoutingChanges changes={changes} label={`Changes in revision ${revision.number}`} />
                    ) : (
                      <p className="text-sm text-zinc-500">Same routing as revision {before?.number}</p>
                    )}
                  </div>
                  <div>
                    <p className="mb-1 text-xs font-medium tracking-wide text-zinc-500 uppercase">Routing</p>
                    <RouteSummary revision={revision} />
                  </div>
                </div>
              </article>
            </li>
          );
        })}
      </ol>
      {active ? <RollBackDialog endpoint={endpoint} active={active} target={target} change={change} /> : null}
    </>
  );
}
