import type { Revision } from '@modelgate/contracts';
import Link from 'next/link';
import { DateTime } from '@/components/date-time';
import { EmptyState } from '@/components/empty-state';
import { versionLabel } from './metrics-series';
import { RevisionKindBadge, revisionAuthor } from './revision-labels';
import { RoutedVersions } from './routed-versions';
import { SplitBar } from './split-bar';

/**
 * The active revision drawn: one bar split by weight, the routed versions with their share (and
 * Promote), the shadows with the share of requests they get a copy of, and where the revision came from.
 */
export function TrafficSplit({ endpoint, revision }: { endpoint: string; revision: Revision | null }) {
  if (!revision) {
    return (
      <EmptyState title="Not deployed">
        This endpoint has no active revision yet; deploy a version with{' '}
        <code className="font-mono">POST /v1/endpoints/{endpoint}/revisions</code> or{' '}
        <code className="font-mono">…/promote</code>.
      </EmptyState>
    );
  }

  return (
    <div className="rounded-xl border border-zinc-200 bg-white px-5 py-5 shadow-xs">
      <SplitBar routes={revision.routes} label="Live traffic" />
      <RoutedVersions endpoint={endpoint} active={revision} />

      {revision.shadows.length > 0 ? (
        <div className="mt-4 border-t border-zinc-100 pt-4">
          <p className="text-sm font-medium text-zinc-700">Shadow traffic</p>
          <p className="text-xs text-zinc-500">Gets a copy after the primary answered; outputs are compared, never returned.</p>
          <ul aria-label="Shadow versions" className="mt-2 flex flex-col gap-1.5">
            {revision.shadows.map((shadow) => (
              <li key={shadow.versionId} className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                <span aria-hidden="true" className="size-3 shrink-0 rounded-sm border border-dashed border-zinc-400 bg-zinc-50" />
                <Link href={`/models/${shadow.model}/versions/${shadow.version}`} className="font-mono font-medium text-indigo-700 hover:underline">
                  {versionLabel(shadow)}
                </Link>
                <span className="text-zinc-600">mirrors {shadow.percent}% of requests</span>
                <div aria-hidden="true" className="h-1.5 w-24 overflow-hidden rounded-full bg-zinc-100">
                  <div className="h-full rounded-full bg-zinc-400" style={{ width: `${Math.max(0, Math.min(100, shadow.percent))}%` }} />
                </div>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <p className="mt-4 flex flex-wrap items-center gap-x-2 gap-y-1 border-t border-zinc-100 pt-4 text-sm text-zinc-500">
        <span>Revision {revision.number}</span>
        <RevisionKindBadge kind={revision.kind} />
        <span>
          by {revisionAuthor(revision)} · <DateTime iso={revision.createdAt} />
        </span>
        {revision.reason ? <span className="w-full text-zinc-600">“{revision.reason}”</span> : null}
      </p>
    </div>
  );
}
