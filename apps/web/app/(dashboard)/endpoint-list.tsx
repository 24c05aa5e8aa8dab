import type { Endpoint } from '@modelgate/contracts';
import Link from 'next/link';
import { Badge } from '@/components/badge';
import { NoEndpoints } from '@/components/no-endpoints';
import { RouteSummary } from '@/components/route-summary';
import { EndpointPulse } from './endpoint-pulse';

/** The overview's endpoints, each with its routing and its last 15 minutes (inside an OverviewMetricsProvider). */
export function EndpointList({ endpoints }: { endpoints: Endpoint[] }) {
  if (endpoints.length === 0) return <NoEndpoints />;
  return (
    <ul className="divide-y divide-zinc-100 rounded-xl border border-zinc-200 bg-white shadow-xs">
      {endpoints.map((endpoint) => (
        <li key={endpoint.id} className="grid items-start gap-x-6 gap-y-3 px-5 py-4 md:grid-cols-[minmax(0,1fr)_auto_6.5rem]">
          <div className="min-w-0">
            <Link href={`/endpoints/${endpoint.name}`} className="font-medium text-indigo-700 hover:underline">
              {endpoint.name}
            </Link>
            {endpoint.description ? (
              <p className="mt-0.5 line-clamp-2 text-sm text-zinc-500">{endpoint.description}</p>
            ) : null}
            {endpoint.activeRevision ? (
              <div className="mt-2">
                <RouteSummary revision={endpoint.activeRevision} />
              </div>
            ) : null}
          </div>
          {/* A column of its own even while empty, so the badges line up row after row. */}
          <div className="md:w-80">
            <EndpointPulse endpoint={endpoint.name} />
          </div>
          <div className="md:text-right">
            {endpoint.activeRevision ? (
              <Badge tone="accent">revision {endpoint.activeRevision.number}</Badge>
            ) : (
              <Badge>not deployed</Badge>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}
