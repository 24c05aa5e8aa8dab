import type { Revision } from '@modelgate/contracts';

/**
 * What a revision sends traffic to, as text: `mnist@v2 90%` per route, then mirrored shadows.
 * Plain text rather than links, so a model's own link stays the only link with its name.
 */
export function RouteSummary({ revision }: { revision: Pick<Revision, 'routes' | 'shadows'> | null }) {
  if (!revision) return <span className="text-sm text-zinc-500">Not deployed</span>;
  if (revision.routes.length === 0 && revision.shadows.length === 0) {
    return <span className="text-sm text-zinc-500">No routes</span>;
  }
  return (
    <ul className="flex flex-col gap-1">
      {revision.routes.map((route) => (
        <li key={`route-${route.versionId}`} className="font-mono text-[13px] whitespace-nowrap text-zinc-800">
          {route.model}@v{route.version} <span className="text-zinc-500">{route.weight}%</span>
        </li>
      ))}
      {revision.shadows.map((shadow) => (
        <li key={`shadow-${shadow.versionId}`} className="font-mono text-[13px] whitespace-nowrap text-zinc-500">
          {shadow.model}@v{shadow.version} <span>shadow {shadow.percent}%</span>
        </li>
      ))}
    </ul>
  );
}
