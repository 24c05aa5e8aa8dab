import { MetricsRange } from '@modelgate/contracts';

/**
 * The time ranges the dashboard's latency and traffic views offer, and how each is asked of the
 * API. Shared by the server (first render) and the browser (polling), so both ask the same thing.
 */

export const METRICS_RANGES = Object.keys(MetricsRange) as MetricsRange[];

export const DEFAULT_METRICS_RANGE: MetricsRange = '15m';

/** The overview looks at the last 15 minutes: "now", with enough steps for a sparkline's shape. */
export const OVERVIEW_METRICS_RANGE: MetricsRange = '15m';

/** What the range picker says (words, not `1 h`, so a screen reader says it right too) and how the range reads inside a sentence. */
export const METRICS_RANGE_LABELS: Record<MetricsRange, { picker: string; sentence: string }> = {
  '15m': { picker: '15 minutes', sentence: 'the last 15 minutes' },
  '1h': { picker: '1 hour', sentence: 'the last hour' },
  '24h': { picker: '24 hours', sentence: 'the last 24 hours' },
  '7d': { picker: '7 days', sentence: 'the last 7 days' },
};

/**
 * How often a view of the range asks again. Short ranges are watched live (a step is a minute,
 * and rollups land every few seconds); a 5-minute or hourly step barely moves between two asks.
 */
export const METRICS_POLL_MS: Record<MetricsRange, number> = {
  '15m': 5_000,
  '1h': 5_000,
  '24h': 30_000,
  '7d': 60_000,
};

export function isMetricsRange(value: unknown): value is MetricsRange {
  return typeof value === 'string' && Object.hasOwn(MetricsRange, value);
}

/** `?range=` from a page address, or the default when absent or not one of ours. */
export function metricsRangeOf(value: string | string[] | undefined): MetricsRange {
  const first = Array.isArray(value) ? value[0] : value;
  return isMetricsRange(first) ? first : DEFAULT_METRICS_RANGE;
}

/**
 * `?from=…&to=…&step=…` for the range ending now. `from` is rounded down to a whole step, so every
 * poll asks for the same step boundaries: points keep their place instead of sliding a little on
 * each refresh, and the newest point is the step in progress.
 */
export function metricsSearch(range: MetricsRange, nowMs: number = Date.now()): string {
  const { seconds, step } = MetricsRange[range];
  const stepMs = step * 1000;
  const to = Math.floor(nowMs / 1000) * 1000;
  const from = Math.floor((to - seconds * 1000) / stepMs) * stepMs;
  const search = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), step: String(step) });
  return `?${search.toString()}`;
}
