'use client';

import { Action, type Endpoint, type PromoteBody, primaryOf, type Revision } from '@modelgate/contracts';
import Link from 'next/link';
import { useId, useState } from 'react';
import { Badge } from '@/components/badge';
import { buttonClasses } from '@/components/button';
import { ModalDialog } from '@/components/modal-dialog';
import { NotAllowedReason } from '@/components/not-allowed';
import { useCan } from '@/components/session-provider';
import { useDialogChange } from '@/components/use-dialog-change';
import { callApi, endpointPath } from '@/lib/browser-api';
import { StopsRunningRollout } from './endpoint-rollouts';
import { versionLabel } from './metrics-series';
import { RoutingChangePreview } from './routing-changes';
import { RoutingProblemAlert } from './routing-problem-alert';
import { heaviestFirst, routeColour } from './split-bar';
import { ReasonField } from './reason-field';

type Route = Revision['routes'][number];

/**
 * The legend of the split bar: each routed version with its colour, role and weight, and
 * "Promote" to send it all the traffic (admins; others see the button disabled and why).
 */
export function RoutedVersions({ endpoint, active }: { endpoint: string; active: Revision }) {
  const allowed = useCan(Action.promote, { endpoint });
  const change = useDialogChange();
  const [chosen, setChosen] = useState<Route>();
  const reasonId = useId();
  const routes = heaviestFirst(active.routes);
  const primary = primaryOf(routes);
  // A version that already gets everything has nothing to be promoted to.
  const promotable = routes.length > 1;

  function promote(route: Route) {
    setChosen(route);
    change.open();
  }

  return (
    <>
      <ul aria-label="Routed versions" className="mt-4 flex flex-col divide-y divide-zinc-100">
        {routes.map((route, index) => (
          <li key={route.versionId} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2">
            <span aria-hidden="true" className={`size-3 shrink-0 rounded-sm ${routeColour(index).background}`} />
            <Link href={`/models/${route.model}/versions/${route.version}`} className="font-mono text-sm font-medium text-indigo-700 hover:underline">
              {versionLabel(route)}
            </Link>
            {route === primary ? <Badge tone="accent">primary</Badge> : <Badge tone="amber">canary</Badge>}
            <span className="ml-auto text-sm font-semibold text-zinc-900 tabular-nums">{route.weight}%</span>
            {promotable ? (
              <button
                type="button"
                disabled={!allowed.allowed}
                aria-describedby={allowed.allowed ? undefined : reasonId}
                onClick={() => promote(route)}
                className={buttonClasses('secondary', 'py-1 text-xs')}
              >
                Promote<span className="sr-only"> {versionLabel(route)} to all traffic</span>
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {promotable && !allowed.allowed ? <NotAllowedReason id={reasonId} reason={allowed.reason} className="mt-1" /> : null}
      {allowed.allowed ? <PromoteDialog endpoint={endpoint} active={active} route={chosen} change={change} /> : null}
    </>
  );
}

interface PromoteDialogProps {
  endpoint: string;
  active: Revision;
  route: Route | undefined;
  change: ReturnType<typeof useDialogChange>;
}

/** The promote confirmation: the split now, the split after (one version, no shadows), and the difference. */
function PromoteDialog({ endpoint, active, route, change }: PromoteDialogProps) {
  const [reason, setReason] = useState('');
  // Unique per dialog: the page can hold several of these, and a label must find its own field.
  const reasonFieldId = useId();
  const { dialog, problem, pending, submit, clearProblem } = change;
  const label = route ? versionLabel(route) : '';

  async function promote() {
    if (!route) return;
    const body: PromoteBody = {
      model: route.model,
      version: route.version,
      expectedRevision: active.number,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    };
    await submit(() => callApi<Endpoint>('POST', `${endpointPath(endpoint)}/promote`, body));
  }

  return (
    <ModalDialog
      dialog={dialog}
      title={route ? `Promote ${label} to 100 %?` : 'Promote'}
      onClose={() => {
        clearProblem();
        setReason('');
      }}
    >
      {route ? (
        <>
          <p className="text-sm text-zinc-700">
            Every request goes to {label} at once, on every API process
            {active.shadows.length > 0 ? ', and shadow copies stop' : ''}. This writes revision {active.number + 1}; roll back to undo it.
          </p>
          <RoutingChangePreview
            before={active}
            after={{ routes: [{ ...route, weight: 100 }], shadows: [] }}
            beforeLabel={`Now · revision ${active.number}`}
            afterLabel={`After · revision ${active.number + 1}`}
          />
          <ReasonField id={reasonFieldId} value={reason} onChange={setReason} placeholder="e.g. canary matched the primary for a day" />
          <StopsRunningRollout />
          {problem ? <RoutingProblemAlert heading="Not promoted" problem={problem} onReloaded={clearProblem} /> : null}
          <div className="flex flex-wrap justify-end gap-2">
            <button type="button" autoFocus onClick={() => dialog.current?.close()} className={buttonClasses('secondary')}>
              Cancel
            </button>
            <button type="button" onClick={promote} disabled={pending} className={buttonClasses('primary')}>
              {pending ? 'Promoting…' : `Promote ${label}`}
            </button>
          </div>
        </>
      ) : null}
    </ModalDialog>
  );
}
