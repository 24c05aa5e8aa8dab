import type { EndpointMetrics, MetricsPoint, MetricsSeries } from '@modelgate/contracts';

/** One version's series as the charts and cards show it: a name, a colour and its role. */
export interface VersionSeries extends MetricsSeries {
  /** Unique within the answer (a version can have a live and a shadow series). */
  key: string;
  /** `model@vN`, as the rest of the dashboard writes a version. */
  label: string;
  colour: string;
  /** The heaviest routed version: what the others are compared with. */
  primary: boolean;
}

/**
 * One colour per version, the dashboard's indigo first (the primary), then hues far apart from it
 * and from each other. Red comes last: it reads as "errors" before it reads as a version.
 */
const VERSION_COLOURS = ['#4f46e5', '#ea580c', '#0d9488', '#db2777', '#0284c7', '#65a30d', '#9333ea', '#ca8a04', '#475569', '#dc2626'];

export function versionLabel(series: Pick<MetricsSeries, 'model' | 'version'>): string {
  return `${series.model}@v${series.version}`;
}

export interface SplitSeries {
  /** Routed versions, heaviest first, then the ones no longer routed that served in the range. */
  live: VersionSeries[];
  /** Shadow copies: never answered a caller, so kept out of the live charts. */
  shadow: VersionSeries[];
  primary: VersionSeries | undefined;
}

/**
 * Live and shadow series apart, in a stable order (weight, then name) so a version keeps its
 * colour from one refresh to the next. The primary is the heaviest routed version; when none is
 * routed any more (the endpoint was undeployed), the one that served the most in the range.
 */
export function splitSeries(metrics: EndpointMetrics): SplitSeries {
  const byWeightThenName = (a: MetricsSeries, b: MetricsSeries) =>
    (b.currentWeight ?? -1) - (a.currentWeight ?? -1) ||
    b.total.requests - a.total.requests ||
    a.model.localeCompare(b.model) ||
    a.version - b.version;
  const live = metrics.series.filter((series) => series.traffic === 'live').toSorted(byWeightThenName);
  const shadow = metrics.series.filter((series) => series.traffic === 'shadow').toSorted(byWeightThenName);
  const primaryId = (live.find((series) => series.currentWeight !== null) ?? live.toSorted((a, b) => b.total.requests - a.total.requests)[0])?.versionId;
  const decorate = (series: MetricsSeries, index: number, traffic: 'live' | 'shadow'): VersionSeries => ({
    ...series,
    key: `${traffic}-${series.versionId}`,
    label: versionLabel(series),
    colour: VERSION_COLOURS[index % VERSION_COLOURS.length]!,
    primary: traffic === 'live' && series.versionId === primaryId,
  });
  const liveSeries = live.map((series, index) => decorate(series, index, 'live'));
  return {
    live: liveSeries,
    shadow: shadow.map((series, index) => decorate(series, index, 'shadow')),
    primary: liveSeries.find((series) => series.primary),
  };
}

/** One step across versions: `values[series.key]` is that version's number, null for none. */
export interface ChartRow {
  /** Start of the step, ms since the epoch. */
  t: number;
  values: Record<string, number | null>;
}

export type PointValue = (point: MetricsPoint) => number | null;

/**
 * The rows a chart draws: one per step, each version's value picked from its point. The API gives
 * every series the same steps; a step one series lacks reads as null rather than shifting the rest.
 */
export function chartRows(series: VersionSeries[], pick: PointValue): ChartRow[] {
  const rows = new Map<number, ChartRow>();
  for (const one of series) {
    for (const point of one.points) {
      const t = Date.parse(point.t);
      if (Number.isNaN(t)) continue;
      let row = rows.get(t);
      if (!row) {
        row = { t, values: {} };
        rows.set(t, row);
      }
      row.values[one.key] = pick(point);
    }
  }
  const sorted = [...rows.values()].sort((a, b) => a.t - b.t);
  for (const row of sorted) for (const one of series) row.values[one.key] ??= null;
  return sorted;
}

/** Whether any version sent a request in the range: otherwise the charts would be empty lines. */
export function hasTraffic(series: MetricsSeries[]): boolean {
  return series.some((one) => one.total.requests > 0);
}
