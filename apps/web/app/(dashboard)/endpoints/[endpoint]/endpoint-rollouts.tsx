'use client';

import type { Rollout, RolloutList } from '@modelgate/contracts';
import { useRouter } from 'next/navigation';
import { createContext, type ReactNode, useContext, useEffect, useRef, useState, useTransition } from 'react';
import { type PolledApi, usePolledApi } from '@/components/use-polled-api';
import { endpointPath } from '@/lib/browser-api';
import type { Loaded } from '@/lib/load-from-api';
import { versionLabel } from './metrics-series';

/** Watched live while a rollout runs; otherwise checked now and then for one started elsewhere. */
export const RUNNING_POLL_MS = 2_000;
export const IDLE_POLL_MS = 15_000;

interface EndpointRolloutsValue {
  polled: PolledApi<RolloutList>;
  /** The rollout running now, if any: at most one per endpoint. */
  running: Rollout | undefined;
  pollMs: number;
  /** This page started or stopped a rollout: ask for the list again at once. */
  askAgain: () => void;
}

const EndpointRolloutsContext = createContext<EndpointRolloutsValue | null>(null);

interface EndpointRolloutsProps {
  endpoint: string;
  /** The server's answer, so the first paint shows the rollout; the first browser poll follows. */
  initial: Loaded<RolloutList>;
  initialAt: number;
  children: ReactNode;
}

/**
 * The endpoint's rollouts, watched for the whole endpoint page: the rollout panel shows them, and
 * every routing change by hand says that it stops the running one. Each step the judge takes
 * writes a revision, so when the rollout moves on the rest of the page (split, timeline) is
 * refreshed from the server too.
 */
export function EndpointRollouts({ endpoint, initial, initialAt, children }: EndpointRolloutsProps) {
  const router = useRouter();
  const [, startRefresh] = useTransition();
  // Bumped to ask again at once: a new key fetches without waiting for the interval.
  const [generation, setGeneration] = useState(0);
  const [runningSeen, setRunningSeen] = useState(() => initial.ok && initial.data.items.some((rollout) => rollout.status === 'running'));
  const pollMs = runningSeen ? RUNNING_POLL_MS : IDLE_POLL_MS;
  const polled = usePolledApi<RolloutList>({
    key: `rollouts-${generation}`,
    path: () => `${endpointPath(endpoint)}/rollouts`,
    intervalMs: pollMs,
    initial,
    initialKey: 'rollouts-0',
    initialAt,
  });
  const running = polled.data?.items.find((rollout) => rollout.status === 'running');
  if (Boolean(running) !== runningSeen) setRunningSeen(Boolean(running));

  // The judge advanced, promoted or rolled back, or the rollout started or stopped: the split
  // and the timeline the server drew are out of date.
  const newest = polled.data?.items[0];
  const progress = newest ? `${newest.id}:${newest.status}:${newest.stepIndex}` : '';
  const shown = useRef(progress);
  useEffect(() => {
    if (shown.current === progress) return;
    shown.current = progress;
    startRefresh(() => router.refresh());
  }, [progress, router]);

  const value: EndpointRolloutsValue = { polled, running, pollMs, askAgain: () => setGeneration((current) => current + 1) };
  return <EndpointRolloutsContext.Provider value={value}>{children}</EndpointRolloutsContext.Provider>;
}

export function useEndpointRollouts(): EndpointRolloutsValue {
  const value = useContext(EndpointRolloutsContext);
  if (!value) throw new Error('useEndpointRollouts() is only available inside <EndpointRollouts>');
  return value;
}

/** Said beside every routing change made by hand while a rollout runs: the change stops it. */
export function StopsRunningRollout() {
  const { running } = useEndpointRollouts();
  if (!running) return null;
  return (
    <p role="note" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
      A rollout of <span className="font-mono">{versionLabel(running.candidate)}</span> is running (step {running.stepIndex + 1} of{' '}
      {running.steps.length}, {running.steps[running.stepIndex]} %): this change stops it.
    </p>
  );
}
