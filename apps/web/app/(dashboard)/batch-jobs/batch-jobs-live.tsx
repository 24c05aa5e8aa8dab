'use client';

import type { BatchJobList } from '@modelgate/contracts';
import { createContext, type ReactNode, useCallback, useContext, useState } from 'react';
import { type PolledApi, usePolledApi } from '@/components/use-polled-api';
import { PROXY_BASE } from '@/lib/browser-api';
import type { Loaded } from '@/lib/load-from-api';
import { isActive } from './batch-job-display';

/** Watched every second while a job is queued or running; otherwise checked now and then for one submitted elsewhere. */
export const ACTIVE_POLL_MS = 1_000;
export const IDLE_POLL_MS = 10_000;

interface BatchJobsLiveValue {
  polled: PolledApi<BatchJobList>;
  /** A job was submitted or cancelled from this page: ask for the list again at once. */
  askAgain: () => void;
}

const BatchJobsLiveContext = createContext<BatchJobsLiveValue | null>(null);

/** The batch jobs list, kept live for the whole page: the table shows it, the form asks again after a submit. */
export function BatchJobsLive({ initial, initialAt, children }: { initial: Loaded<BatchJobList>; initialAt: number; children: ReactNode }) {
  const [generation, setGeneration] = useState(0);
  const [activeSeen, setActiveSeen] = useState(() => initial.ok && initial.data.items.some(isActive));
  const polled = usePolledApi<BatchJobList>({
    key: `batch-jobs-${generation}`,
    path: () => `${PROXY_BASE}/batch-jobs`,
    intervalMs: activeSeen ? ACTIVE_POLL_MS : IDLE_POLL_MS,
    initial,
    initialKey: 'batch-jobs-0',
    initialAt,
  });
  const active = polled.data?.items.some(isActive) ?? false;
  if (active !== activeSeen) setActiveSeen(active);

  // Stable, so a form can ask again from an effect without asking on every render.
  const askAgain = useCallback(() => setGeneration((current) => current + 1), []);
  const value: BatchJobsLiveValue = { polled, askAgain };
  return <BatchJobsLiveContext.Provider value={value}>{children}</BatchJobsLiveContext.Provider>;
}

export function useBatchJobsLive(): BatchJobsLiveValue {
  const value = useContext(BatchJobsLiveContext);
  if (!value) throw new Error('useBatchJobsLive() is only available inside <BatchJobsLive>');
  return value;
}
