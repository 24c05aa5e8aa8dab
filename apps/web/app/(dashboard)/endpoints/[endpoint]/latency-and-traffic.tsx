'use client';

import { LATENCY_RELATIVE_ERROR, type MetricsRange } from '@modelgate/contracts';
import { useMemo, useState } from 'react';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { EmptyState } from '@/components/empty-state';
import { AccessHint } from '@/components/problem-alert';
import { useHydrated } from '@/components/use-hydrated';
import { type PolledApi, pollingStoppedBy } from '@/components/use-polled-api';
import { formatDuration } from '@/lib/format';
import { formatStep } from '@/lib/metrics-format';
import { DEFAULT_METRICS_RANGE, METRICS_POLL_MS, METRICS_RANGE_LABELS } from '@/lib/metrics-range';
import { updatedLabel } from '@/lib/time-axis';
import { LatencyCharts } from './latency-charts';
import { hasTraffic, splitSeries, type VersionSeries } from './metrics-series';
import { MetricsRangePicker } from './metrics-range-picker';
import { ShadowMetrics } from './shadow-metrics';
import { type InitialEndpointMetrics, useEndpointMetrics } from './use-endpoint-metrics';
import { VersionComparison } from './version-comparison';

interface LatencyAndTrafficProps {
  endpoint: string;
  /** Whether a revision is active: what the empty state suggests doing. */
  deployed: boolean;
  /** The server's answer for the range in the page address, so the first paint has numbers. */
  initial: InitialEndpointMetrics;
}

/**
 * The endpoint's latency and traffic over a chosen range, kept live: versions side by side, then
 * the charts over time, then shadow copies apart. A new range or a refresh keeps what is on screen
 * until its answer arrives (dimmed while it is for another range), so the section never blinks empty.
 */
export function LatencyAndTraffic({ endpoint, deployed, initial }: LatencyAndTrafficProps) {
  const [range, setRange] = useState<MetricsRange>(initial.range);
  const metrics = useEndpointMetrics(endpoint, range, initial);
  const split = useMemo(() => (metrics.data ? splitSeries(metrics.data) : undefined), [metrics.data]);
  const stale = metrics.data !== undefined && metrics.dataKey !== range;
  // The range the numbers on screen were asked for: the previous one until the new answer lands.
  const shownRange = (metrics.dataKey as MetricsRange | undefined) ?? range;

  function chooseRange(next: MetricsRange) {
    setRange(next);
    // In the address, so a reload or a shared link opens on the same range. Next keeps its own
    // history state through replaceState, and no server render is asked for.
    const url = new URL(window.location.href);
    if (next === DEFAULT_METRICS_RANGE) url.searchParams.delete('range');
    else url.searchParams.set('range', next);
    window.history.replaceState(null, '', url);
  }

  return (
    <div data-testid="endpoint-metrics">
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <MetricsRangePicker value={range} onChange={chooseRange} />
        <RefreshStatus metrics={metrics} range={range} stale={stale} />
      </div>

      {metrics.data && metrics.failure ? <RefreshFailure metrics={metrics} range={range} /> : null}

      {!metrics.data || !split ? (
        metrics.failure ? (
          <ApiErrorPanel failure={metrics.failure} />
        ) : (
          <div aria-busy="true" className="grid h-64 place-items-center rounded-xl border border-zinc-200 bg-white text-sm text-zinc-500 shadow-xs">
            Loading latency and traffic…
          </div>
        )
      ) : (
        <div aria-busy={stale} className={`transition-opacity ${stale ? 'opacity-50' : ''}`}>
          {hasTraffic(split.live) ? (
            <>
              <h3 className="mb-3 text-sm font-semibold text-zinc-900">Versions side by side</h3>
              <VersionComparison series={split.live} primary={split.primary} />
              <div className="mt-6 mb-3 flex flex-wrap items-baseline justify-between gap-x-4 gap-y-2">
                <h3 className="text-sm font-semibold text-zinc-900">Over {METRICS_RANGE_LABELS[shownRange].sentence}</h3>
                <VersionLegend series={split.live} />
              </div>
              <LatencyCharts range={shownRange} from={metrics.data.from} to={metrics.data.to} series={split.live} />
            </>
          ) : (
            <EmptyState title="No predictions in this range yet">
              {deployed ? (
                <>
                  Send one from{' '}
                  <a href="#predict" className="font-medium text-indigo-700 hover:underline">
                    Try it
                  </a>{' '}
                  or from code: it shows here within seconds. Or pick a longer range.
                </>
              ) : (
                'Nothing serves on this endpoint yet: deploy a version to it first.'
              )}
            </EmptyState>
          )}
          {/* Shadows deployed now, or that got copies in the range, even before any copy arrived. */}
          {split.shadow.some((one) => one.total.requests > 0 || one.currentWeight !== null) ? <ShadowMetrics series={split.shadow} /> : null}
        </div>
      )}

      <p className="mt-4 text-xs text-zinc-500">
        Percentiles cover answered (2xx) requests and are within ±{Math.round((metrics.data?.relativeError ?? LATENCY_RELATIVE_ERROR) * 100)} % of the
        true value (bucket resolution).
        {metrics.data ? ` One point per ${formatStep(metrics.data.step)}.` : ''}
      </p>
    </div>
  );
}

function VersionLegend({ series }: { series: VersionSeries[] }) {
  return (
    <ul aria-label="Chart legend" className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-600">
      {series.map((one) => (
        // The colour as data too, so a browser test can find each version's marks in the charts.
        <li key={one.key} data-series-colour={one.colour} className="flex items-center gap-1.5">
          <span aria-hidden="true" className="h-0.5 w-4 rounded-full" style={{ background: one.colour }} />
          <span className="font-mono text-zinc-800">{one.label}</span>
          {one.currentWeight !== null ? <span>{one.currentWeight}%</span> : <span>not routed now</span>}
        </li>
      ))}
    </ul>
  );
}

/** When the numbers on screen are from, and how often they refresh. Not a live region: it changes every few seconds. */
function RefreshStatus({ metrics, range, stale }: { metrics: PolledApi<unknown>; range: MetricsRange; stale: boolean }) {
  const hydrated = useHydrated();
  const every = formatDuration(METRICS_POLL_MS[range]);
  // The time is the viewer's local time, so it waits for the browser (the server's zone may differ).
  const text = stale
    ? `Loading ${METRICS_RANGE_LABELS[range].sentence}…`
    : metrics.updatedAt !== undefined && hydrated
      ? `Updated ${updatedLabel(metrics.updatedAt)} · refreshes every ${every}`
      : `Refreshes every ${every}`;
  return (
    <p className="flex items-center gap-2 text-xs text-zinc-500">
      <span
        aria-hidden="true"
        className={`size-2 rounded-full ${metrics.failure ? 'bg-amber-500' : 'bg-emerald-500'} ${metrics.fetching ? 'animate-pulse' : ''}`}
      />
      {text}
    </p>
  );
}

/** A refresh failed while older numbers stay on screen: say so once, and what happens next. */
function RefreshFailure({ metrics, range }: { metrics: PolledApi<unknown>; range: MetricsRange }) {
  const hydrated = useHydrated();
  const failure = metrics.failure;
  if (!failure) return null;
  const why = failure.kind === 'problem' ? `${failure.problem.status > 0 ? `${failure.problem.status} ` : ''}${failure.problem.title}` : failure.reason;
  const final = pollingStoppedBy(failure);
  return (
    <div role="alert" className="mb-4 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
      <p>
        <span className="font-semibold">Could not refresh the metrics</span> ({why}).{' '}
        {metrics.updatedAt !== undefined && hydrated ? `Showing what arrived at ${updatedLabel(metrics.updatedAt)}; ` : 'Showing older numbers; '}
        {final ? 'reload the page to try again.' : `trying again every ${formatDuration(METRICS_POLL_MS[range])}.`}
      </p>
      {failure.kind === 'problem' ? <AccessHint problem={failure.problem} className="mt-1 text-amber-900" /> : null}
    </div>
  );
}
