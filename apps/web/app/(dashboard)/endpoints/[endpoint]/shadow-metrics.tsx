import Link from 'next/link';
import { Table, TableBody, TableHead, Td, Th } from '@/components/table';
import { formatAbsDiff, formatAgreement, formatCount, formatErrorRate, formatMs, formatRps } from '@/lib/metrics-format';
import type { VersionSeries } from './metrics-series';

/**
 * Shadow copies, apart from the live charts: they run after the primary has answered and their
 * output is never returned, so their latency is no caller's latency and must not be read as one.
 * Each shadow answer is compared with the one the caller got: how many were, the share that
 * agreed (argmax for classifiers) and the largest difference of any output value.
 */
export function ShadowMetrics({ series }: { series: VersionSeries[] }) {
  const anyTraffic = series.some((one) => one.total.requests > 0);
  const anyCompared = series.some((one) => one.total.compared > 0);
  return (
    <div className="mt-6" data-testid="shadow-metrics">
      <h3 className="text-sm font-semibold text-zinc-900">Shadow traffic</h3>
      <p className="mt-0.5 mb-3 text-xs text-zinc-500">
        Copies of live requests, run after the caller was answered: not in the charts above. Agreement is the share of compared answers that
        matched the caller’s (the same top class for classifiers).
      </p>
      {anyTraffic ? (
        <Table caption="Shadow traffic">
          <TableHead>
            <Th>Version</Th>
            <Th>Mirrors</Th>
            <Th className="text-right">Requests</Th>
            <Th className="text-right">Compared</Th>
            <Th className="text-right">Agreement</Th>
            <Th className="text-right">Max abs diff</Th>
            <Th className="text-right">Req/s</Th>
            <Th className="text-right">p50</Th>
            <Th className="text-right">p95</Th>
            <Th className="text-right">p99</Th>
            <Th className="text-right">Error rate</Th>
          </TableHead>
          <TableBody>
            {series.map((one) => (
              <tr key={one.key}>
                <Td>
                  <Link href={`/models/${one.model}/versions/${one.version}`} className="font-mono text-[13px] font-medium text-indigo-700 hover:underline">
                    {one.label}
                  </Link>{' '}
                  <span className="text-xs text-zinc-500">shadow</span>
                </Td>
                <Td className="tabular-nums">{one.currentWeight === null ? <span className="text-zinc-500">not now</span> : `${one.currentWeight}%`}</Td>
                <Td className="text-right tabular-nums">{formatCount(one.total.requests)}</Td>
                <Td className="text-right tabular-nums">{formatCount(one.total.compared)}</Td>
                <Td className="text-right font-semibold whitespace-nowrap tabular-nums">
                  <AgreementValue agreement={one.total.compared > 0 ? one.total.agreement : null} />
                </Td>
                <Td className="text-right whitespace-nowrap tabular-nums">{formatAbsDiff(one.total.compared > 0 ? one.total.maxAbsDiff : null)}</Td>
                <Td className="text-right tabular-nums">{formatRps(one.total.rps)}</Td>
                <Td className="text-right whitespace-nowrap tabular-nums">{formatMs(one.total.p50)}</Td>
                <Td className="text-right whitespace-nowrap tabular-nums">{formatMs(one.total.p95)}</Td>
                <Td className="text-right whitespace-nowrap tabular-nums">{formatMs(one.total.p99)}</Td>
                <Td className="text-right tabular-nums">{formatErrorRate(one.total.errorRate)}</Td>
              </tr>
            ))}
          </TableBody>
        </Table>
      ) : (
        <p className="rounded-xl border border-dashed border-zinc-300 bg-white px-5 py-4 text-sm text-zinc-600">
          No shadow copies in this range yet: {series.map((one) => one.label).join(', ')} get a copy of live requests as they arrive.
        </p>
      )}
      {anyTraffic && !anyCompared ? (
        <p className="mt-2 text-xs text-zinc-500">No shadow answer has been compared yet: agreement shows once one has (a shadow that failed is not compared).</p>
      ) : null}
    </div>
  );
}

/** The agreement with a bar, so a drop stands out in a column of numbers. */
function AgreementValue({ agreement }: { agreement: number | null }) {
  if (agreement === null) return <span className="font-normal text-zinc-500">—</span>;
  return (
    <span className="inline-flex items-center justify-end gap-2">
      <span aria-hidden="true" className="h-1.5 w-12 overflow-hidden rounded-full bg-zinc-100">
        <span className={`block h-full rounded-full ${agreement >= 0.99 ? 'bg-emerald-500' : agreement >= 0.9 ? 'bg-amber-500' : 'bg-red-500'}`} style={{ width: `${agreement * 100}%` }} />
      </span>
      {formatAgreement(agreement)}
    </span>
  );
}
