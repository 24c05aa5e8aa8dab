import type { Revision } from '@modelgate/contracts';
import { versionLabel } from './metrics-series';

/** Where a revision sends traffic: its routes (weights) and shadows (percent of requests copied). */
export type Routing = Pick<Revision, 'routes' | 'shadows'>;

/** A version as routing names it: by model and number, so a draft without ids can be compared too. */
interface RoutedVersion {
  model: string;
  version: number;
}

/**
 * One difference between two routings. `from`/`to` are a route's weight or a shadow's percent;
 * null when the version was not in that routing. A version that moves between routed and
 * shadowed shows as two changes (removed from one list, added to the other).
 */
export interface RoutingChange {
  traffic: 'route' | 'shadow';
  model: string;
  version: number;
  from: number | null;
  to: number | null;
}

const keyOf = (target: RoutedVersion) => `${target.model}@${target.version}`;

/**
 * What changes from `before` to `after` (before null: nothing was deployed). Routes first, then
 * shadows; within each, the versions of `after` in its order, then those only `before` had.
 */
export function diffRouting(before: Routing | null, after: Routing): RoutingChange[] {
  return [
    ...diffShares(
      'route',
      (before?.routes ?? []).map((route) => ({ ...route, share: route.weight })),
      after.routes.map((route) => ({ ...route, share: route.weight })),
    ),
    ...diffShares(
      'shadow',
      (before?.shadows ?? []).map((shadow) => ({ ...shadow, share: shadow.percent })),
      after.shadows.map((shadow) => ({ ...shadow, share: shadow.percent })),
    ),
  ];
}

function diffShares(traffic: RoutingChange['traffic'], before: (RoutedVersion & { share: number })[], after: (RoutedVersion & { share: number })[]): RoutingChange[] {
  const was = new Map(before.map((one) => [keyOf(one), one.share]));
  const is = new Set(after.map(keyOf));
  const changes: RoutingChange[] = [];
  for (const one of after) {
    const from = was.get(keyOf(one)) ?? null;
    if (from !== one.share) changes.push({ traffic, model: one.model, version: one.version, from, to: one.share });
  }
  for (const one of before) {
    if (!is.has(keyOf(one))) changes.push({ traffic, model: one.model, version: one.version, from: one.share, to: null });
  }
  return changes;
}

/**
 * A change in the words the timeline and the confirmations use:
 * `mnist@v2 10 % → 50 %`, `+ mnist@v2 10 %`, `− mnist@v1 90 %`, `+ shadow mnist@v3 20 %`.
 */
export function describeChange(change: RoutingChange): string {
  const what = `${change.traffic === 'shadow' ? 'shadow ' : ''}${versionLabel(change)}`;
  if (change.from === null) return `+ ${what} ${change.to} %`;
  if (change.to === null) return `− ${what} ${change.from} %`;
  return `${what} ${change.from} % → ${change.to} %`;
}

/** The same change as a sentence for screen readers, where "+" and "−" are easy to miss. */
export function describeChangeInWords(change: RoutingChange): string {
  const what = change.traffic === 'shadow' ? `shadow ${versionLabel(change)}` : versionLabel(change);
  const unit = change.traffic === 'shadow' ? '% of requests copied' : '% of traffic';
  if (change.from === null) return `${what} added with ${change.to} ${unit}`;
  if (change.to === null) return `${what} removed (had ${change.from} ${unit})`;
  return `${what} from ${change.from} to ${change.to} ${unit}`;
}
