import { LATENCY_RELATIVE_ERROR, type MetricsPoint } from '@modelgate/contracts';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Badge } from '@/components/badge';
import { formatCount, formatErrorRate, formatMs, formatRps } from '@/lib/metrics-format';
import type { VersionSeries } from './metrics-series';

/**
 * Two percentile estimates from the same bucket are equal, and the next bucket up reads one
 * bucket width (≈ 19 %) higher: a difference that small may be no difference at all, so it is
 * shown without the colour of a regression or an improvement.
 */
const ONE_BUCKET = (1 + LATENCY_RELATIVE_ERROR) ** 2;

/**
 * Canary next to primary: a card per routed version with its share of traffic and its numbers
 * over the whole range, each latency and the error rate with its difference from the primary's.
 */
export function VersionComparison({ series, primary }: { series: VersionSeries[]; primary: VersionSeries | undefined }) {
  return (
    <ul aria-label="Versions side by side" className={`grid gap-4 sm:grid-cols-2 ${series.length > 2 ? 'xl:grid-cols-3' : ''}`}>
      {series.map((one) => (
        <li key={one.key}>
          <VersionCard series={one} primary={primary && primary.key !== one.key ? primary : undefined} />
        </li>
      ))}
    </ul>
  );
}

function VersionCard({ series, primary }: { series: VersionSeries; primary: VersionSeries | undefined }) {
  const total = series.total;
  const base = primary?.total;
  return (
    <article aria-label={series.label} className="h-full rounded-xl border border-zinc-200 bg-white p-4 shadow-xs">
      <header className="flex flex-wrap items-center gap-2">
        <span aria-hidden="true" className="size-3 shrink-0 rounded-full" style={{ background: series.colour }} />
        <Link href={`/models/${series.model}/versions/${series.version}`} className="font-mono text-sm font-semibold text-indigo-700 hover:underline">
          {series.label}
        </Link>
        <RoleBadge series={series} />
        <span className="ml-auto text-sm font-semibold text-zinc-900 tabular-nums">
          {series.currentWeight === null ? <span className="font-normal text-zinc-500">not routed now</span> : `${series.currentWeight}%`}
        </span>
      </header>

      <dl className="mt-4 grid grid-cols-3 gap-x-3 gap-y-4">
        <Stat label="p50" asWritten>
          {formatMs(total.p50)}
          <LatencyDelta value={total.p50} base={base?.p50} />
        </Stat>
        <Stat label="p95" asWritten>
          {formatMs(total.p95)}
          <LatencyDelta value={total.p95} base={base?.p95} />
        </Stat>
        <Stat label="p99" asWritten>
          {formatMs(total.p99)}
          <LatencyDelta value={total.p99} base={base?.p99} />
        </Stat>
        <Stat label="Requests">{formatCount(total.requests)}</Stat>
        <Stat label="Req/s">{formatRps(total.rps)}</Stat>
        <Stat label="Error rate">
          {formatErrorRate(total.errorRate)}
          <ErrorRateDelta value={total.errorRate} base={base?.errorRate} />
        </Stat>
        <Stat label="Cold starts">{formatCount(total.coldStarts)}</Stat>
        <Stat label="Timeouts">{formatCount(total.timeouts)}</Stat>
        <Stat label="Shed">{formatCount(total.shed)}</Stat>
      </dl>
      {primary ? null : <Baseline series={series} total={total} />}
    </article>
  );
}

function RoleBadge({ series }: { series: VersionSeries }) {
  if (series.primary) return <Badge tone="accent">primary</Badge>;
  if (series.currentWeight === null) return <Badge>retired</Badge>;
  return <Badge tone="amber">canary</Badge>;
}

function Baseline({ series, total }: { series: VersionSeries; total: MetricsPoint }) {
  if (!series.primary) return null;
  return (
    <p className="mt-4 border-t border-zinc-100 pt-3 text-xs text-zinc-500">
      The baseline: other versions show their difference from these numbers.
      {total.clientErrors > 0 ? ` ${formatCount(total.clientErrors)} caller errors (4xx) are left out of the error rate.` : ''}
    </p>
  );
}

/** `asWritten`: a label whose case means something (p95 is not P95). */
function Stat({ label, asWritten = false, children }: { label: string; asWritten?: boolean; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className={`text-xs font-medium tracking-wide text-zinc-500 ${asWritten ? '' : 'uppercase'}`}>{label}</dt>
      <dd className="mt-0.5 flex flex-wrap items-baseline gap-x-1.5 text-sm font-semibold text-zinc-900 tabular-nums">{children}</dd>
    </div>
  );
}

/** `+19 %` against the primary: red when slower by more than a bucket, green when faster. */
function LatencyDelta({ value, base }: { value: number | null; base: number | null | undefined }) {
  if (value === null || base === null || base === undefined || base <= 0) return null;
  const ratio = value / base;
  const percent = Math.round((ratio - 1) * 100);
  const tone = ratio > ONE_BUCKET * 1.001 ? 'text-red-700' : ratio < (1 / ONE_BUCKET) * 0.999 ? 'text-emerald-700' : 'text-zinc-500';
  const words = percent === 0 ? 'same as the primary' : `${Math.abs(percent)} % ${percent > 0 ? 'slower' : 'faster'} than the primary`;
  return (
    <span className={`text-xs font-medium ${tone}`} title={words}>
      <span aria-hidden="true">{percent === 0 ? '±0 %' : `${percent > 0 ? '+' : '−'}${Math.abs(percent)} %`}</span>
      <span className="sr-only">{words}</span>
    </span>
  );
}

/** Percentage points against the primary's error rate: any increase is worth a look. */
function ErrorRateDelta({ value, base }: { value: number | null; base: number | null | undefined }) {
  if (value === null || base === null || base === undefined) return null;
  const points = (value - base) * 100;
  const shown = Math.abs(points) < 0.05 ? 0 : Number(points.toFixed(1));
  const tone = shown > 0 ? 'text-red-700' : shown < 0 ? 'text-emerald-700' : 'text-zinc-500';
  const words = shown === 0 ? 'same as the primary' : `${Math.abs(shown)} percentage points ${shown > 0 ? 'more' : 'fewer'} than the primary`;
  return (
    <span className={`text-xs font-medium ${tone}`} title={words}>
      <span aria-hidden="true">{shown === 0 ? '±0 pp' : `${shown > 0 ? '+' : '−'}${Math.abs(shown)} pp`}</span>
      <span className="sr-only">{words}</span>
    </span>
  );
}
