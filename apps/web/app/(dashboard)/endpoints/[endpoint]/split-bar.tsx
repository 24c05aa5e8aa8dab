import type { Revision } from '@modelgate/contracts';
import { versionLabel } from './metrics-series';

type SplitRoute = Pick<Revision['routes'][number], 'model' | 'version' | 'weight'>;

/** The accent for the heaviest route, lighter shades for the rest, in route order (heaviest first). */
const SEGMENT_COLOURS = [
  { background: 'bg-indigo-600', text: 'text-white' },
  { background: 'bg-indigo-400', text: 'text-white' },
  { background: 'bg-indigo-300', text: 'text-indigo-950' },
  { background: 'bg-indigo-200', text: 'text-indigo-950' },
];

/** A segment narrower than this shows no label inside it: the legend beside the bar names it. */
const LABELLED_SEGMENT_PERCENT = 12;

export function routeColour(index: number) {
  return SEGMENT_COLOURS[Math.min(index, SEGMENT_COLOURS.length - 1)]!;
}

/** Heaviest first, then by name, so a split draws the same way however its routes were listed. */
export function heaviestFirst<T extends SplitRoute>(routes: readonly T[]): T[] {
  return routes.toSorted((a, b) => b.weight - a.weight || a.model.localeCompare(b.model) || a.version - b.version);
}

/**
 * A split as one bar, each route a segment as wide as its weight (in `heaviestFirst` order, the
 * colours of `routeColour`). One image for assistive technology, named with every route's share.
 */
export function SplitBar({ routes, label }: { routes: readonly SplitRoute[]; label: string }) {
  const sorted = heaviestFirst(routes);
  const described = sorted.map((route) => `${versionLabel(route)} ${route.weight} %`).join(', ');
  return (
    <div
      role="img"
      aria-label={`${label}: ${described || 'no routes'}`}
      className="flex h-8 w-full overflow-hidden rounded-lg bg-zinc-100 ring-1 ring-zinc-200 ring-inset"
    >
      {sorted.map((route, index) => {
        const colour = routeColour(index);
        return (
          <div
            key={`${route.model}@${route.version}`}
            title={`${versionLabel(route)} ${route.weight} %`}
            className={`flex min-w-0 items-center justify-center text-xs font-medium ${colour.background} ${colour.text} ${index > 0 ? 'border-l-2 border-white' : ''}`}
            style={{ width: `${Math.max(0, Math.min(100, route.weight))}%` }}
          >
            {route.weight >= LABELLED_SEGMENT_PERCENT ? <span className="truncate px-2 font-mono">{versionLabel(route)}</span> : null}
          </div>
        );
      })}
    </div>
  );
}
