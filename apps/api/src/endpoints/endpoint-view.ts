import { EndpointConfig, type Endpoint, type Revision, type RevisionKind } from '@modelgate/contracts';
import type { Endpoint as EndpointRow, Revision as RevisionRow, StoredRoute, StoredShadow } from '@modelgate/db';

export type { StoredRoute, StoredShadow } from '@modelgate/db';

export interface VersionLabel {
  model: string;
  version: number;
}

/** Prisma names enum members with "_" where the database (and the API) use "-". */
export const revisionKindFromRow = (kind: RevisionRow['kind']): RevisionKind => kind.replace('_', '-') as RevisionKind;

export function toRevisionView(row: RevisionRow, labels: Map<string, VersionLabel>): Revision {
  const label = (versionId: string) => labels.get(versionId) ?? { model: '(deleted)', version: 0 };
  return {
    number: row.number,
    kind: revisionKindFromRow(row.kind),
    routes: (row.routes as unknown as StoredRoute[]).map((route) => ({ ...route, ...label(route.versionId) })),
    shadows: (row.shadows as unknown as StoredShadow[]).map((shadow) => ({ ...shadow, ...label(shadow.versionId) })),
    reason: row.reason,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

export function versionIdsOf(rows: RevisionRow[]): string[] {
  return [
    ...new Set(
      rows.flatMap((row) => [
        ...(row.routes as unknown as StoredRoute[]).map((route) => route.versionId),
        ...(row.shadows as unknown as StoredShadow[]).map((shadow) => shadow.versionId),
      ]),
    ),
  ];
}

export function toEndpointView(row: EndpointRow & { activeRevision: RevisionRow | null }, labels: Map<string, VersionLabel>): Endpoint {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    // Parsing fills defaults for settings added after the row was written.
    config: EndpointConfig.parse(row.config),
    activeRevision: row.activeRevision ? toRevisionView(row.activeRevision, labels) : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
