import type { Rollout, RolloutStatus } from '@modelgate/contracts';
import { Badge, type BadgeTone } from '@/components/badge';
import { DateTime } from '@/components/date-time';
import { Table, TableBody, TableHead, Td, Th } from '@/components/table';
import { formatDuration } from '@/lib/format';
import { versionLabel } from './metrics-series';

const statusTone: Record<RolloutStatus, BadgeTone> = { running: 'accent', completed: 'green', rolled_back: 'red', aborted: 'amber' };

export function RolloutStatusBadge({ status }: { status: RolloutStatus }) {
  return <Badge tone={statusTone[status]}>{status.replace('_', ' ')}</Badge>;
}

/** Rollouts that ended, newest first: what was tried, how far it got, and why it ended. */
export function RolloutHistory({ rollouts }: { rollouts: Rollout[] }) {
  return (
    <Table caption="Past rollouts">
      <TableHead>
        <Th>Candidate</Th>
        <Th>Steps</Th>
        <Th>Outcome</Th>
        <Th>Started</Th>
        <Th>Ended</Th>
      </TableHead>
      <TableBody>
        {rollouts.map((rollout) => (
          <tr key={rollout.id}>
            <Td>
              <span className="font-mono text-[13px] font-medium text-zinc-900">{versionLabel(rollout.candidate)}</span>
              <span className="block text-xs text-zinc-500">over {versionLabel(rollout.baseline)}</span>
            </Td>
            <Td className="whitespace-nowrap tabular-nums">
              {rollout.steps.map((step, index) => (
                <span key={index} className={reached(rollout, index) ? 'font-semibold text-zinc-900' : 'text-zinc-400'}>
                  {index > 0 ? ' → ' : ''}
                  {step} %
                </span>
              ))}
              <span className="block text-xs text-zinc-500">bake {formatDuration(rollout.bakeSeconds * 1000)}</span>
            </Td>
            <Td className="max-w-sm">
              <RolloutStatusBadge status={rollout.status} />
              {rollout.outcome ? <span className="mt-1 block text-zinc-700">{rollout.outcome}</span> : null}
            </Td>
            <Td className="text-zinc-600">
              <span className="block text-zinc-900">{rollout.createdBy ?? 'system'}</span>
              <DateTime iso={rollout.createdAt} />
            </Td>
            <Td className="text-zinc-600">{rollout.finishedAt ? <DateTime iso={rollout.finishedAt} /> : '—'}</Td>
          </tr>
        ))}
      </TableBody>
    </Table>
  );
}

/** Whether the candidate got this step's share: every step of a completed rollout, else up to the last one run. */
function reached(rollout: Rollout, index: number): boolean {
  return rollout.status === 'completed' || index <= rollout.stepIndex;
}
