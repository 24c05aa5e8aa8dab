import type { Endpoint, Revision, RevisionList } from '@modelgate/contracts';
import { formatDateTime } from '../format/quantities.js';
import type { Style } from '../format/style.js';
import { formatFields, formatTable } from '../format/table.js';
import { versionLabel, type VersionReference } from '../routing/routing-arguments.js';

/** `fraud@v1 90 %, fraud@v2 10 %`: live traffic, in the order the revision lists it. */
export function formatRoutes(routes: readonly (VersionReference & { weight: number })[]): string {
  return routes.map((route) => `${versionLabel(route)} ${route.weight} %`).join(', ');
}

/** `fraud@v3 25 %`: the share of requests copied to each shadow. */
export function formatShadows(shadows: readonly (VersionReference & { percent: number })[]): string {
  return shadows.map((shadow) => `${versionLabel(shadow)} ${shadow.percent} %`).join(', ');
}

const orNone = (text: string) => text || 'none';

/** `before → after`, or `after (unchanged)`, so a change reads at a glance. */
function beforeAfter(before: string, after: string): string {
  return before === after ? `${after} (unchanged)` : `${before} → ${after}`;
}

/**
 * What a deploy, promote or rollback did: the revision the endpoint is at now, and its routes and
 * shadows next to those of the revision it replaced.
 */
export function describeRoutingChange(before: Revision | null, after: Endpoint, style: Style): string {
  const revision = after.activeRevision;
  if (!revision) return `${after.name} has no active revision`;
  const headline = `${style.green(`${after.name} is now at revision ${revision.number}`)} (${revision.kind}${before ? `; was revision ${before.number}` : ''})`;
  const fields: [string, string][] = [
    ['routes', beforeAfter(orNone(formatRoutes(before?.routes ?? [])), orNone(formatRoutes(revision.routes)))],
    ['shadows', beforeAfter(orNone(formatShadows(before?.shadows ?? [])), orNone(formatShadows(revision.shadows)))],
    ['reason', revision.reason],
  ];
  return `${headline}\n${formatFields(fields, style)}`;
}

/** Every revision, newest first as the API lists them, the active one marked. */
export function describeRevisionList(endpoint: string, list: RevisionList, activeNumber: number | null, style: Style): string {
  if (list.items.length === 0) return `endpoint "${endpoint}" has no revisions yet: send it traffic with \`modelgate deploy ${endpoint} <model>@<version>\``;
  const rows = list.items.map((revision) => [
    revision.number === activeNumber ? `${revision.number} (active)` : String(revision.number),
    revision.kind,
    formatRoutes(revision.routes),
    formatShadows(revision.shadows) || '—',
    revision.reason.split('\n')[0] ?? '',
    revision.createdBy ?? '—',
    formatDateTime(revision.createdAt),
  ]);
  return formatTable(['revision', 'kind', 'routes', 'shadows', 'reason', 'by', 'when'], rows, style);
}
