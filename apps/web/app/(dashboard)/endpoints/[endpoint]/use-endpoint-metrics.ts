'use client';

import type { EndpointMetrics, MetricsRange } from '@modelgate/contracts';
import { type PolledApi, usePolledApi } from '@/components/use-polled-api';
import { endpointPath } from '@/lib/browser-api';
import type { Loaded } from '@/lib/load-from-api';
import { METRICS_POLL_MS, metricsSearch } from '@/lib/metrics-range';

export interface InitialEndpointMetrics {
  range: MetricsRange;
  loaded: Loaded<EndpointMetrics>;
  /** When the server asked (ms since the epoch): the first browser poll comes one interval later. */
  at: number;
}

/** The endpoint's metrics over `range` ending now, asked again every few seconds while shown. */
export function useEndpointMetrics(endpoint: string, range: MetricsRange, initial: InitialEndpointMetrics): PolledApi<EndpointMetrics> {
  return usePolledApi<EndpointMetrics>({
    key: range,
    path: () => `${endpointPath(endpoint)}/metrics${metricsSearch(range)}`,
    intervalMs: METRICS_POLL_MS[range],
    initial: initial.loaded,
    initialKey: initial.range,
    initialAt: initial.at,
  });
}
