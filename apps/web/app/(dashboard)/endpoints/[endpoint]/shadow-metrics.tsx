import Link from 'next/link';
import { Table, TableBody, TableHead, Td, Th } from '@/components/table';
import { formatCount, formatErrorRate, formatMs, formatRps } from '@/lib/metrics-format';
import type { VersionSeries } from './metrics-series';

/**
 * Shadow copies, apart from the live charts: they run after the primary has answered and their
 * output is never returned, so their latency is no caller's latency and must not be read as one.
 */
export function ShadowMetrics({ series }: { series: VersionSeries[] }) {
  return (
    <div className="mt-6">
      <h3 className="text-sm font-semibold text-zinc-900">Shadow traffic</h3>
      <p className="mt-0.5 mb-3 text-xs text-zinc-500">Copies of live requests, run after the caller was answered: not in the charts above.</p>
      <Table caption="Shadow traffic">
        <TableHead>
          <Th>Version</Th>
          <Th>Mirrors</Th>
          <Th className="text-right">Requests</Th>
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
              <Td className="text-right tabular-nums">{formatRps(one.total.rps)}</Td>
              <Td className="text-right whitespace-nowrap tabular-nums">{formatMs(one.total.p50)}</Td>
              <Td className="text-right whitespace-nowrap tabular-nums">{formatMs(one.total.p95)}</Td>
              <Td className="text-right whitespace-nowrap tabular-nums">{formatMs(one.total.p99)}</Td>
              <Td className="text-right tabular-nums">{formatErrorRate(one.total.errorRate)}</Td>
            </tr>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
