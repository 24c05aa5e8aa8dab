import type { Endpoint } from '@modelgate/contracts';
import Link from 'next/link';
import { Badge } from '@/components/badge';
import { NoEndpoints } from '@/components/no-endpoints';
import { RouteSummary } from '@/components/route-summary';
import { Table, TableBody, TableHead, Td, Th } from '@/components/table';

export function EndpointsTable({ endpoints }: { endpoints: Endpoint[] }) {
  if (endpoints.length === 0) return <NoEndpoints />;
  return (
    <Table caption="Endpoints">
      <TableHead>
        <Th>Name</Th>
        <Th>Placement</Th>
        <Th>Active revision</Th>
        <Th>Routes</Th>
      </TableHead>
      <TableBody>
        {endpoints.map((endpoint) => (
          <tr key={endpoint.id} className="hover:bg-zinc-50">
            <Td>
              <Link href={`/endpoints/${endpoint.name}`} className="font-medium text-indigo-700 hover:underline">
                {endpoint.name}
              </Link>
              {endpoint.description ? <p className="mt-0.5 line-clamp-1 text-zinc-500">{endpoint.description}</p> : null}
            </Td>
            <Td>
              <Badge>{endpoint.config.placement}</Badge>
            </Td>
            <Td className="tabular-nums">
              {endpoint.activeRevision ? (
                <span className="font-medium">#{endpoint.activeRevision.number}</span>
              ) : (
                <span className="text-zinc-400">—</span>
              )}
            </Td>
            <Td>
              <RouteSummary revision={endpoint.activeRevision} />
            </Td>
          </tr>
        ))}
      </TableBody>
    </Table>
  );
}
