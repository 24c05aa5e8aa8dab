'use client';

import type { MetricsRange } from '@modelgate/contracts';
import { type ReactNode, useId, useMemo } from 'react';
import {
  Area,
  AreaChart,
  CartesianGrid,
  type DotItemDotProps,
  Line,
  LineChart,
  Tooltip,
  type TooltipContentProps,
  XAxis,
  YAxis,
} from 'recharts';
import { useHydrated } from '@/components/use-hydrated';
import { formatBatchSize, formatErrorRate, formatMs, formatRps } from '@/lib/metrics-format';
import { stepLabel, tickLabel, timeTicks } from '@/lib/time-axis';
import { type ChartRow, chartRows, type PointValue, type VersionSeries } from './metrics-series';

interface LatencyChartsProps {
  range: MetricsRange;
  /** The queried range (ISO), so an idle stretch at either end still takes its share of the axis. */
  from: string;
  to: string;
  /** Live series only, in legend order; shadows are shown apart. */
  series: VersionSeries[];
}

type Format = (value: number | null) => string;

const AXIS_TICK = { fontSize: 12, fill: '#71717a' };
const GRID = '#f4f4f5';
/** Tooltips move together across every chart of the section: one step, all its numbers. */
const SYNC_ID = 'endpoint-metrics';

/**
 * The endpoint's latency and traffic over the range, one colour per routed version: latency
 * percentiles (three small charts on one scale, so p50, p95 and p99 compare at a glance without
 * nine tangled lines), throughput, error rate, queue wait and batch size. Steps without an answered
 * request are gaps, not zeros: "nothing measured" must not read as "instant".
 */
export function LatencyCharts({ range, from, to, series }: LatencyChartsProps) {
  const domain = useMemo<[number, number]>(() => [Date.parse(from), Date.parse(to)], [from, to]);
  const latency = useMemo(
    () => ({
      p50: chartRows(series, (point) => point.p50),
      p95: chartRows(series, (point) => point.p95),
      p99: chartRows(series, (point) => point.p99),
    }),
    [series],
  );
  // One scale for the three latency charts: the slowest p99 (the largest of all) sets it.
  const latencyMax = largestValue(latency.p99);
  const throughput = useMemo(() => chartRows(series, (point) => point.rps), [series]);
  const errors = useMemo(() => chartRows(series, (point) => point.errorRate), [series]);
  const queue = useMemo(() => chartRows(series, (point) => point.meanQueueMs), [series]);
  const batch = useMemo(() => chartRows(series, (point) => point.meanBatchSize), [series]);
  const axis = { range, domain };

  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartCard title="Latency percentiles per version" note="ms, answered requests" className="lg:col-span-2">
        <div className="grid gap-4 md:grid-cols-3">
          {(['p50', 'p95', 'p99'] as const).map((percentile) => (
            <ChartPlot
              key={percentile}
              label={`${percentile} latency per version`}
              heading={percentile}
              summary={summarize(series, (point) => point[percentile], formatMs)}
            >
              <TimeLines rows={latency[percentile]} series={series} format={formatMs} axis={axis} yMax={latencyMax} />
            </ChartPlot>
          ))}
        </div>
      </ChartCard>

      <ChartCard title="Throughput per version" note="requests/s, stacked">
        <ChartPlot label="Throughput per version" summary={summarize(series, (point) => point.rps, (value) => `${formatRps(value ?? 0)} req/s`)}>
          <StackedAreas rows={throughput} series={series} format={(value) => `${formatRps(value ?? 0)}/s`} axis={axis} />
        </ChartPlot>
      </ChartCard>

      <ChartCard title="Error rate per version" note="5xx, timeouts and shed; 4xx excluded">
        <ChartPlot label="Error rate per version" summary={summarize(series, (point) => point.errorRate, formatErrorRate)}>
          <TimeLines
            rows={errors}
            series={series}
            format={formatErrorRate}
            axis={axis}
            // A flat 0 % sits on the floor of a 0–1 % scale instead of floating mid-chart.
            yFloor={0.01}
            yTickFormat={(value) => formatErrorRate(value)}
          />
        </ChartPlot>
      </ChartCard>

      <ChartCard title="Mean queue wait per version" note="ms before a run started">
        <ChartPlot label="Mean queue wait per version" summary={summarize(series, (point) => point.meanQueueMs, formatMs)}>
          <TimeLines rows={queue} series={series} format={formatMs} axis={axis} />
        </ChartPlot>
      </ChartCard>

      <ChartCard title="Mean batch size per version" note="requests per model run">
        <ChartPlot label="Mean batch size per version" summary={summarize(series, (point) => point.meanBatchSize, formatBatchSize)}>
          <TimeLines
            rows={batch}
            series={series}
            format={formatBatchSize}
            axis={axis}
            yFloor={1}
            yTickFormat={(value) => formatBatchSize(value)}
          />
        </ChartPlot>
      </ChartCard>
    </div>
  );
}

function ChartCard({ title, note, className = '', children }: { title: string; note: string; className?: string; children: ReactNode }) {
  return (
    <figure className={`rounded-xl border border-zinc-200 bg-white p-4 shadow-xs ${className}`}>
      <figcaption className="mb-3 flex flex-wrap items-baseline justify-between gap-x-3">
        <span className="text-sm font-semibold text-zinc-900">{title}</span>
        <span className="text-xs text-zinc-500">{note}</span>
      </figcaption>
      {children}
    </figure>
  );
}

/**
 * One plot as an image with a name and a text summary (the numbers a sighted reader takes from
 * the lines). Charts measure their box and label times in the viewer's zone, so they are drawn
 * after hydration; until then an empty box of the same size holds their place.
 */
function ChartPlot({ label, heading, summary, children }: { label: string; heading?: string; summary: string; children: ReactNode }) {
  const hydrated = useHydrated();
  const summaryId = useId();
  return (
    <div>
      {heading ? <p className="mb-1 text-xs font-medium text-zinc-600">{heading}</p> : null}
      <div role="img" aria-label={label} aria-describedby={summaryId} className="h-44">
        {hydrated ? children : null}
      </div>
      <p id={summaryId} className="sr-only">
        {summary}
      </p>
    </div>
  );
}

interface AxisProps {
  range: MetricsRange;
  domain: [number, number];
}

interface PlotProps {
  rows: ChartRow[];
  series: VersionSeries[];
  format: Format;
  axis: AxisProps;
  /** The largest value the scale must hold, when more than this chart's own (charts sharing a scale). */
  yMax?: number;
  /** The smallest top the scale may have, so near-zero noise is not blown up to the full height. */
  yFloor?: number;
  yTickFormat?: (value: number) => string;
}

function TimeLines({ rows, series, format, axis, yMax, yFloor, yTickFormat }: PlotProps) {
  const ticks = niceTicks(Math.max(yMax ?? largestValue(rows), yFloor ?? 0));
  return (
    <LineChart data={rows} responsive style={{ width: '100%', height: '100%' }} syncId={SYNC_ID} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
      {frame(axis, format, ticks, yTickFormat)}
      {series.map((one, index) => (
        <Line
          key={one.key}
          dataKey={(row: ChartRow) => row.values[one.key]}
          name={one.label}
          stroke={one.colour}
          strokeWidth={2}
          type="linear"
          connectNulls={false}
          dot={isolatedDot(rows, one, index)}
          activeDot={{ r: 3.5 }}
          isAnimationActive={false}
        />
      ))}
    </LineChart>
  );
}

function StackedAreas({ rows, series, format, axis }: PlotProps) {
  // Stacked: the scale holds the busiest step's total, not its busiest version's share.
  const ticks = niceTicks(Math.max(0, ...rows.map((row) => Object.values(row.values).reduce<number>((sum, value) => sum + (value ?? 0), 0))));
  return (
    <AreaChart data={rows} responsive style={{ width: '100%', height: '100%' }} syncId={SYNC_ID} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
      {frame(axis, format, ticks, (value) => formatRps(value))}
      {series.map((one) => (
        <Area
          key={one.key}
          dataKey={(row: ChartRow) => row.values[one.key] ?? 0}
          name={one.label}
          stackId="throughput"
          stroke={one.colour}
          fill={one.colour}
          fillOpacity={0.2}
          strokeWidth={1.5}
          type="linear"
          isAnimationActive={false}
        />
      ))}
    </AreaChart>
  );
}

/** Grid, axes and tooltip, the same on every chart. Returned as children: Recharts reads them from its own children. */
function frame(axis: AxisProps, format: Format, yTicks: number[], yTickFormat: ((value: number) => string) | undefined) {
  const ticks = timeTicks(axis.range, axis.domain[0], axis.domain[1]);
  return [
    <CartesianGrid key="grid" stroke={GRID} vertical={false} />,
    <XAxis
      key="x"
      dataKey="t"
      type="number"
      scale="time"
      domain={axis.domain}
      ticks={ticks}
      tickFormatter={(t: number) => tickLabel(axis.range, t)}
      tick={AXIS_TICK}
      tickLine={false}
      axisLine={{ stroke: '#e4e4e7' }}
      minTickGap={16}
    />,
    <YAxis
      key="y"
      domain={[0, yTicks.at(-1)!]}
      ticks={yTicks}
      interval={0}
      tick={AXIS_TICK}
      tickLine={false}
      axisLine={false}
      width={52}
      tickFormatter={(value: number) => (yTickFormat ? yTickFormat(value) : format(value).replace(/ ms$/, ''))}
    />,
    <Tooltip
      key="tooltip"
      isAnimationActive={false}
      cursor={{ stroke: '#a1a1aa', strokeDasharray: '3 3' }}
      content={(props: TooltipContentProps) => <StepTooltip {...props} range={axis.range} format={format} />}
    />,
  ];
}

function StepTooltip({ active, payload, label, range, format }: TooltipContentProps & { range: MetricsRange; format: Format }) {
  if (!active || !payload || payload.length === 0) return null;
  return (
    <div className="rounded-lg border border-zinc-200 bg-white px-3 py-2 text-xs shadow-md">
      <p className="mb-1 font-medium text-zinc-900">{stepLabel(range, Number(label))}</p>
      <ul className="grid gap-0.5">
        {payload.map((entry) => (
          <li key={String(entry.name)} className="flex items-center gap-2">
            <span aria-hidden="true" className="size-2 rounded-full" style={{ background: entry.color }} />
            <span className="font-mono text-zinc-700">{entry.name}</span>
            <span className="ml-auto pl-3 font-medium text-zinc-900 tabular-nums">{format(typeof entry.value === 'number' ? entry.value : null)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * A step with data between two without draws no line segment, so a single busy minute would be
 * invisible: such points get a dot. Points on a line get none (dots on every step are clutter).
 * Each later version's dot is smaller, so versions with the same value show as rings, not one dot.
 */
function isolatedDot(rows: ChartRow[], series: VersionSeries, seriesIndex: number) {
  const valueAt = (index: number) => rows[index]?.values[series.key] ?? null;
  const radius = Math.max(1.5, 4.5 - seriesIndex * 1.5);
  return function IsolatedDot({ cx, cy, index }: DotItemDotProps) {
    if (cx === undefined || cy === undefined || cx === null || cy === null) return null;
    if (valueAt(index) === null || valueAt(index - 1) !== null || valueAt(index + 1) !== null) return null;
    return <circle key={index} cx={cx} cy={cy} r={radius} fill={series.colour} stroke="white" strokeWidth={1} />;
  };
}

/** The largest value in the rows, 0 for none. */
function largestValue(rows: ChartRow[]): number {
  let largest = 0;
  for (const row of rows) for (const value of Object.values(row.values)) if (value !== null && value > largest) largest = value;
  return largest;
}

/**
 * Round tick values from 0 to at least `max`, at most five of them (0, 5, 10, 15 rather than
 * 0, 3.35, 6.7, 10.05): steps of 1, 2 or 5 times a power of ten, which print short at any
 * precision (2.5 would print as 3 where one decimal is all a unit shows). An empty chart gets 0–1.
 */
function niceTicks(max: number, count = 4): number[] {
  const top = max > 0 && Number.isFinite(max) ? max : 1;
  const rough = top / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((multiple) => multiple * magnitude).find((candidate) => candidate >= rough) ?? 10 * magnitude;
  const steps = Math.ceil(top / step - 1e-9);
  return Array.from({ length: steps + 1 }, (_, index) => Number((index * step).toPrecision(12)));
}

/** What a sighted reader takes from a chart, in words: each version's highest and latest value. */
function summarize(series: VersionSeries[], pick: PointValue, format: Format): string {
  if (series.length === 0) return 'No versions served in this range.';
  return series
    .map((one) => {
      const values = one.points.map(pick).filter((value): value is number => value !== null);
      if (values.length === 0) return `${one.label}: no data`;
      return `${one.label}: highest ${format(Math.max(...values))}, latest ${format(values.at(-1)!)}`;
    })
    .join('; ');
}
