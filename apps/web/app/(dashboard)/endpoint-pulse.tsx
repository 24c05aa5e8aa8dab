'use client';

import type { ReactNode } from 'react';
import { Sparkline } from '@/components/sparkline';
import { formatErrorRate, formatMs, formatRps } from '@/lib/metrics-format';
import { useOverviewMetrics } from './overview-metrics';

/**
 * One endpoint's last 15 minutes in a row of the overview: p95, requests per second and error rate
 * over the whole window (the numbers a person checks first), each latency and rate with its shape
 * per minute beside it. All versions' live traffic together; the endpoint page splits them.
 */
export function EndpointPulse({ endpoint }: { endpoint: string }) {
  const { data } = useOverviewMetrics();
  const entry = data?.endpoints.find((one) => one.endpoint === endpoint);
  const label = `Traffic of ${endpoint}, last 15 minutes`;
  if (!data) return null;
  if (!entry || entry.total.requests === 0) {
    return (
      <p role="group" aria-label={label} className="text-sm text-zinc-500 md:text-right">
        No traffic in the last 15 minutes
      </p>
    );
  }
  const { total, points } = entry;
  return (
    <div role="group" aria-label={label}>
      <dl className="grid grid-cols-3 gap-3">
        <Figure label="p95" asWritten value={formatMs(total.p95)}>
          <Sparkline kind="line" values={points.map((point) => point.p95)} label={`p95 latency per minute, ${endpoint}`} />
        </Figure>
        <Figure label="Req/s" value={formatRps(total.rps)}>
          <Sparkline kind="area" values={points.map((point) => point.rps)} label={`Requests per second per minute, ${endpoint}`} />
        </Figure>
        <Figure label="Errors" value={formatErrorRate(total.errorRate)} alarming={(total.errorRate ?? 0) > 0}>
          <Sparkline kind="area" colour="#dc2626" values={points.map((point) => point.errors)} label={`Failed requests per minute, ${endpoint}`} />
        </Figure>
      </dl>
    </div>
  );
}

/** `asWritten`: a label whose case means something (p95 is not P95). */
function Figure({ label, value, asWritten = false, alarming = false, children }: { label: string; value: string; asWritten?: boolean; alarming?: boolean; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className={`text-xs font-medium tracking-wide text-zinc-500 ${asWritten ? '' : 'uppercase'}`}>{label}</dt>
      <dd className={`text-sm font-semibold tabular-nums ${alarming ? 'text-red-700' : 'text-zinc-900'}`}>{value}</dd>
      <dd className="mt-1">{children}</dd>
    </div>
  );
}
