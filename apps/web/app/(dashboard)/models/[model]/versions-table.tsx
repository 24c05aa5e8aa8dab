import type { ModelVersion } from '@modelgate/contracts';
import Link from 'next/link';
import { Badge, VersionStatusBadge } from '@/components/badge';
import { DateTime } from '@/components/date-time';
import { EmptyState } from '@/components/empty-state';
import { Table, TableBody, TableHead, Td, Th } from '@/components/table';
import { formatBytes, shortSha } from '@/lib/format';
import { formatTensorSpec } from '@/lib/shape';

export function VersionsTable({ model, versions }: { model: string; versions: ModelVersion[] }) {
  if (versions.length === 0) {
    return (
      <EmptyState title="No versions">
        <Link href={`/models/new?model=${model}`} className="font-medium text-indigo-700 hover:underline">
          Upload one
        </Link>{' '}
        here or with <code className="font-mono">POST /v1/models/{model}/versions</code>.
      </EmptyState>
    );
  }
  return (
    <Table caption={`Versions of ${model}`}>
      <TableHead>
        <Th>Version</Th>
        <Th>Status</Th>
        <Th className="text-right">Size</Th>
        <Th>SHA-256</Th>
        <Th>Inputs</Th>
        <Th>Created</Th>
      </TableHead>
      <TableBody>
        {versions.map((version) => (
          <tr key={version.id} className={version.archivedAt ? 'bg-zinc-50/60 text-zinc-500' : 'hover:bg-zinc-50'}>
            <Td>
              <Link
                href={`/models/${model}/versions/${version.version}`}
                className="font-mono font-medium text-indigo-700 hover:underline"
              >
                v{version.version}
              </Link>
            </Td>
            <Td>
              <span className="flex items-center gap-1.5">
                <VersionStatusBadge status={version.status} />
                {version.archivedAt ? <Badge>archived</Badge> : null}
                {version.warnings.length > 0 ? (
                  <span className="text-xs text-amber-700" title={version.warnings.join('\n')}>
                    {version.warnings.length === 1 ? '1 warning' : `${version.warnings.length} warnings`}
                  </span>
                ) : null}
              </span>
            </Td>
            <Td className="text-right whitespace-nowrap tabular-nums">{formatBytes(version.sizeBytes)}</Td>
            <Td>
              <code className="font-mono text-[13px] text-zinc-700" title={version.sha256}>
                {shortSha(version.sha256)}
              </code>
            </Td>
            <Td>
              <ul className="flex flex-col gap-0.5">
                {version.signature.inputs.map((input) => (
                  <li key={input.name} className="font-mono text-[13px] whitespace-nowrap text-zinc-800">
                    {formatTensorSpec(input)}
                  </li>
                ))}
              </ul>
            </Td>
            <Td className="text-zinc-600">
              <DateTime iso={version.createdAt} />
              {version.createdBy ? <p className="text-xs text-zinc-500">by {version.createdBy}</p> : null}
            </Td>
          </tr>
        ))}
      </TableBody>
    </Table>
  );
}
