import type { Prisma, Revision, RevisionKind } from '../generated/prisma/client.js';

/** Routes and shadows as stored in a revision row (JSON columns). */
export interface StoredRoute {
  versionId: string;
  weight: number;
}
export interface StoredShadow {
  versionId: string;
  percent: number;
}

/** The routing a change wants, built inside its transaction from the active revision. */
export interface RevisionDraft {
  kind: RevisionKind;
  routes: StoredRoute[];
  shadows: StoredShadow[];
  reason: string;
}

export class EndpointNotFoundError extends Error {
  constructor(readonly endpoint: string) {
    super(`endpoint "${endpoint}" does not exist`);
    this.name = 'EndpointNotFoundError';
  }
}

export class StaleRevisionError extends Error {
  constructor(
    readonly endpoint: string,
    readonly current: number,
    readonly expected: number,
  ) {
    super(`endpoint "${endpoint}" is at revision ${current}, but this change was made against revision ${expected}: reload it and retry with expectedRevision ${current}`);
    this.name = 'StaleRevisionError';
  }
}

export interface CommittedRevision {
  endpointId: string;
  previous: Revision | null;
  created: Revision;
}

/**
 * The one way routing changes, for people (the API) and rollouts (the worker) alike: lock the
 * endpoint row, check `expectedRevision`, build the new revision from the active one, write it
 * and make it active. Run it inside a transaction with the audit row of the change, then announce
 * the new revision on the deployments channel.
 */
export async function commitRevision(
  tx: Prisma.TransactionClient,
  endpoint: string,
  expectedRevision: number,
  createdBy: string | null,
  build: (active: Revision | null, endpointId: string) => Promise<RevisionDraft>,
): Promise<CommittedRevision> {
  // The row lock makes "check expectedRevision, then write" atomic: of two concurrent changes
  // made against the same revision, exactly one wins and the other sees it is stale.
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM endpoints WHERE name = ${endpoint} FOR UPDATE`;
  const endpointId = locked[0]?.id;
  if (!endpointId) throw new EndpointNotFoundError(endpoint);
  const row = await tx.endpoint.findUniqueOrThrow({ where: { id: endpointId }, include: { activeRevision: true } });
  const current = row.activeRevision?.number ?? 0;
  if (current !== expectedRevision) throw new StaleRevisionError(endpoint, current, expectedRevision);
  const draft = await build(row.activeRevision, endpointId);
  const last = await tx.revision.aggregate({ where: { endpointId }, _max: { number: true } });
  const created = await tx.revision.create({
    data: {
      endpointId,
      number: (last._max.number ?? 0) + 1,
      kind: draft.kind,
      routes: draft.routes as unknown as Prisma.InputJsonValue,
      shadows: draft.shadows as unknown as Prisma.InputJsonValue,
      reason: draft.reason,
      createdBy,
    },
  });
  await tx.endpoint.update({ where: { id: endpointId }, data: { activeRevisionId: created.id } });
  return { endpointId, previous: row.activeRevision, created };
}

/** What the audit log keeps of a revision: its number, kind and the split in words people read. */
export async function describeRouting(client: Pick<Prisma.TransactionClient, 'modelVersion'>, revision: Revision) {
  const routes = revision.routes as unknown as StoredRoute[];
  const shadows = revision.shadows as unknown as StoredShadow[];
  const versions = await client.modelVersion.findMany({
    where: { id: { in: [...routes, ...shadows].map((route) => route.versionId) } },
    select: { id: true, version: true, model: { select: { name: true } } },
  });
  const label = (versionId: string) => {
    const version = versions.find((each) => each.id === versionId);
    return version ? `${version.model.name}@v${version.version}` : '(deleted)';
  };
  return {
    revision: revision.number,
    kind: revision.kind.replace('_', '-'),
    routes: routes.map((route) => ({ version: label(route.versionId), weight: route.weight })),
    shadows: shadows.map((shadow) => ({ version: label(shadow.versionId), percent: shadow.percent })),
  };
}
