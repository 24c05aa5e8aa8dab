'use client';

import type { MetricsOverview } from '@modelgate/contracts';
import { createContext, type ReactNode, useContext } from 'react';
import { type PolledApi, pollingStoppedBy, usePolledApi } from '@/components/use-polled-api';
import { useHydrated } from '@/components/use-hydrated';
import { PROXY_BASE } from '@/lib/browser-api';
import type { Loaded } from '@/lib/load-from-api';
import { METRICS_POLL_MS, metricsSearch, OVERVIEW_METRICS_RANGE } from '@/lib/metrics-range';
import { updatedLabel } from '@/lib/time-axis';

const OverviewMetricsContext = createContext<PolledApi<MetricsOverview> | null>(null);

/**
 * Every endpoint's live traffic, asked once for the whole overview and refreshed every few seconds
 * while the tab is visible; each endpoint row reads its own part.
 */
export function OverviewMetricsProvider({ initial, initialAt, children }: { initial: Loaded<MetricsOverview>; initialAt: number; children: ReactNode }) {
  const polled = usePolledApi<MetricsOverview>({
    key: OVERVIEW_METRICS_RANGE,
    path: () => `${PROXY_BASE}/metrics/overview${metricsSearch(OVERVIEW_METRICS_RANGE)}`,
    intervalMs: METRICS_POLL_MS[OVERVIEW_METRICS_RANGE],
    initial,
    initialKey: OVERVIEW_METRICS_RANGE,
    initialAt,
  });
  return <OverviewMetricsContext.Provider value={polled}>{children}</OverviewMetricsContext.Provider>;
}

export function useOverviewMetrics(): PolledApi<MetricsOverview> {
  const polled = useContext(OverviewMetricsContext);
  if (!polled) throw new Error('useOverviewMetrics() is only available inside <OverviewMetricsProvider>');
  return polled;
}

/** Beside the Endpoints heading: what the numbers cover, when they arrived, or why they could not. */
export function OverviewMetricsStatus() {
  const { updatedAt, failure } = useOverviewMetrics();
  const hydrated = useHydrated();
  if (failure) {
    const why = failure.kind === 'problem' ? `${failure.problem.status > 0 ? `${failure.problem.status} ` : ''}${failure.problem.title}` : failure.reason;
    return (
      <span role="alert" className="text-amber-800">
        Traffic numbers unavailable ({why}){pollingStoppedBy(failure) ? ': reload to try again' : ', retrying'}
      </span>
    );
  }
  return (
    <span>
      Last 15 minutes{updatedAt !== undefined && hydrated ? ` · updated ${updatedLabel(updatedAt)}` : ''}
    </span>
  );
}
