import type { Revision } from '@modelgate/contracts';
import Link from 'next/link';
import { Badge } from '@/components/badge';
import { DateTime } from '@/components/date-time';
import { EmptyState } from '@/components/empty-state';

/** The accent for the heaviest route, lighter shades for the rest, in route order. */
const BAR_COLOURS = ['bg-indigo-600', 'bg-indigo-400', 'bg-indigo-300', 'bg-indigo-200'];

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

  const routes = revision.routes.toSorted((a, b) => b.weight - a.weight);
  return (
    <div className="rounded-xl border border-zinc-200 bg-white px-5 py-5 shadow-xs">
      <ul className="flex flex-col gap-4">
        {routes.map((route, index) => (
          <li key={route.versionId} className="grid items-center gap-x-4 gap-y-1.5 sm:grid-cols-[12rem_1fr_3.5rem]">
            <Link
              href={`/models/${route.model}/versions/${route.version}`}
              className="truncate font-mono text-sm font-medium text-indigo-700 hover:underline"
            >
              {route.model}@v{route.version}
            </Link>
            <div aria-hidden="true" className="h-3 overflow-hidden rounded-full bg-zinc-100">
              <div
                className={`h-full rounded-full ${BAR_COLOURS[Math.min(index, BAR_COLOURS.length - 1)]}`}
                style={{ width: `${Math.max(0, Math.min(100, route.weight))}%` }}
              />
            </div>
            <span className="text-sm font-semibold text-zinc-900 tabular-nums sm:text-right">{route.weight}%</span>
          </li>
        ))}
      </ul>

      {revision.shadows.length > 0 ? (
        <div className="mt-5 border-t border-zinc-100 pt-4">
          <p className="text-sm font-medium text-zinc-700">Shadow traffic</p>
          <p className="text-xs text-zinc-500">Gets a copy after the primary answered; outputs are compared, never returned.</p>
          <ul className="mt-2 flex flex-col gap-1">
            {revision.shadows.map((shadow) => (
              <li key={shadow.versionId} className="text-sm">
                <Link
                  href={`/models/${shadow.model}/versions/${shadow.version}`}
                  className="font-mono font-medium text-indigo-700 hover:underline"
                >
                  {shadow.model}@v{shadow.version}
                </Link>{' '}
                <span className="text-zinc-600">mirrors {shadow.percent}% of requests</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <p className="mt-5 flex flex-wrap items-center gap-x-2 gap-y-1 border-t border-zinc-100 pt-4 text-sm text-zinc-500">
        <span>Revision {revision.number}</span>
        <Badge>{revision.kind}</Badge>
        <span>
          by {revision.createdBy ?? 'system'} · <DateTime iso={revision.createdAt} />
        </span>
        {revision.reason ? <span className="w-full text-zinc-600">“{revision.reason}”</span> : null}
      </p>
    </div>
  );
}
