import type { Revision, RevisionKind } from '@modelgate/contracts';
import { Badge, type BadgeTone } from '@/components/badge';
import { DateTime } from '@/components/date-time';
import { EmptyState } from '@/components/empty-state';
import { RouteSummary } from '@/components/route-summary';
import { Table, TableBody, TableHead, Td, Th } from '@/components/table';

const kindTone: Record<RevisionKind, BadgeTone> = {
  deploy: 'accent',
  promote: 'green',
  canary: 'amber',
  rollback: 'red',
  'auto-rollback': 'red',
  'auto-promote': 'green',
};

export function RevisionHistory({ revisions, activeNumber }: { revisions: Revision[]; activeNumber: number | undefined }) {
  if (revisions.length === 0) return <EmptyState title="No revisions yet" />;
  return (
    <Table caption="Revision history">
      <TableHead>
        <Th>Revision</Th>
        <Th>Kind</Th>
        <Th>Routes</Th>
        <Th>Reason</Th>
        <Th>By</Th>
        <Th>When</Th>
      </TableHead>
      <TableBody>
        {revisions.map((revision) => (
          <tr key={revision.number} className={revision.number === activeNumber ? 'bg-indigo-50/40' : undefined}>
            <Td className="whitespace-nowrap tabular-nums">
              <span className="font-medium">#{revision.number}</span>{' '}
              {revision.number === activeNumber ? <Badge tone="accent">active</Badge> : null}
            </Td>
            <Td>
              <Badge tone={kindTone[revision.kind] ?? 'neutral'}>{revision.kind}</Badge>
            </Td>
            <Td>
              <RouteSummary revision={revision} />
            </Td>
            <Td className="max-w-xs text-zinc-700">{revision.reason || <span className="text-zinc-400">—</span>}</Td>
            <Td className="whitespace-nowrap text-zinc-700">{revision.createdBy ?? <span className="text-zinc-400">system</span>}</Td>
            <Td className="text-zinc-600">
              <DateTime iso={revision.createdAt} />
            </Td>
          </tr>
        ))}
      </TableBody>
    </Table>
  );
}
