import type { Endpoint } from '@modelgate/contracts';
import Link from 'next/link';
import { Badge } from '@/components/badge';
import { NoEndpoints } from '@/components/no-endpoints';
import { RouteSummary } from '@/components/route-summary';

export function EndpointList({ endpoints }: { endpoints: Endpoint[] }) {
  if (endpoints.length === 0) return <NoEndpoints />;
  return (
    <ul className="divide-y divide-zinc-100 rounded-xl border border-zinc-200 bg-white shadow-xs">
      {endpoints.map((endpoint) => (
        <li key={endpoint.id} className="flex flex-wrap items-start justify-between gap-3 px-5 py-4">
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
          {endpoint.activeRevision ? (
            <Badge tone="accent">revision {endpoint.activeRevision.number}</Badge>
          ) : (
            <Badge>not deployed</Badge>
          )}
        </li>
      ))}
    </ul>
  );
}
