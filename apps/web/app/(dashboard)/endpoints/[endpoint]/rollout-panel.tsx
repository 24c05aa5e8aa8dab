'use client';

import { Action, primaryOf, type Revision } from '@modelgate/contracts';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { NotAllowedButton } from '@/components/not-allowed';
import { useCan } from '@/components/session-provider';
import { pollingStoppedBy } from '@/components/use-polled-api';
import { formatDuration } from '@/lib/format';
import { useEndpointRollouts } from './endpoint-rollouts';
import { RolloutHistory } from './rollout-history';
import { RolloutProgress } from './rollout-progress';
import { StartRolloutForm } from './start-rollout-form';

interface RolloutPanelProps {
  endpoint: string;
  active: Revision | null;
  models: string[];
}

/**
 * Progressive rollouts of the endpoint: the running one, live, with Abort; otherwise the form to
 * start one; then the rollouts that ended. The list is watched by <EndpointRollouts> around the page.
 */
export function RolloutPanel({ endpoint, active, models }: RolloutPanelProps) {
  const allowed = useCan(Action.startRollout, { endpoint });
  const { polled, running, pollMs, askAgain } = useEndpointRollouts();
  const rollouts = polled.data?.items ?? [];
  const past = rollouts.filter((rollout) => rollout.status !== 'running');
  const baseline = active ? primaryOf(active.routes) : undefined;

  if (!polled.data) {
    return polled.failure ? <ApiErrorPanel failure={polled.failure} /> : <p className="text-sm text-zinc-500">Loading rollouts…</p>;
  }

  return (
    <div className="grid gap-6" data-testid="rollout-panel">
      {polled.failure ? (
        <p role="alert" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          Could not refresh the rollouts ({polled.failure.kind === 'problem' ? `${polled.failure.problem.status} ${polled.failure.problem.title}` : polled.failure.reason}
          ).{' '}
          {pollingStoppedBy(polled.failure) ? 'Reload the page to try again.' : `Trying again every ${formatDuration(pollMs)}.`}
        </p>
      ) : null}

      {running ? (
        <RolloutProgress endpoint={endpoint} rollout={running} onChanged={askAgain} />
      ) : !allowed.allowed ? (
        <NotAllowedButton label="Start a rollout" reason={allowed.reason} />
      ) : !active || !baseline ? (
        <div className="rounded-xl border border-dashed border-zinc-300 bg-white px-5 py-4 text-sm text-zinc-600">
          <p className="font-medium text-zinc-900">A rollout needs a primary to compare the candidate with.</p>
          <p className="mt-1">Deploy or promote a version first; then roll the next one out step by step.</p>
        </div>
      ) : (
        <StartRolloutForm
          endpoint={endpoint}
          active={active}
          baseline={baseline}
          models={models}
          // The new rollout shows at the next answer, which also refreshes the split and the timeline.
          onStarted={askAgain}
        />
      )}

      <div>
        <h3 className="mb-3 text-sm font-semibold text-zinc-900">Past rollouts</h3>
        {past.length > 0 ? <RolloutHistory rollouts={past} /> : <p className="text-sm text-zinc-500">None yet.</p>}
      </div>
    </div>
  );
}
