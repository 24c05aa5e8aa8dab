import { Inject, Injectable } from '@nestjs/common';
import {
  AuditAction,
  Channel,
  CreateEndpointBody,
  DeployBody,
  RollbackBody,
  decideSplit,
  EndpointConfig,
  PromoteBody,
  ProblemCode,
  type DeploymentEvent,
  type Endpoint,
  type EndpointList,
  type RevisionKind,
  type RevisionList,
} from '@modelgate/contracts';
import { commitRevision, describeRouting, EndpointNotFoundError, Prisma, StaleRevisionError, type CommittedRevision, type Db, type RevisionDraft, type Revision as RevisionRow } from '@modelgate/db';
import { AuditService } from '../audit/audit.service.js';
import { principalLabel, type RequestActor } from '../auth/principal.js';
import { ProblemException } from '../common/problem.exception.js';
import { parseRequest } from '../common/zod-validation.js';
import { DB } from '../infrastructure/database.module.js';
import { RedisBus } from '../infrastructure/redis.module.js';
import { toEndpointView, toRevisionView, versionIdsOf, type StoredRoute, type StoredShadow, type VersionLabel } from './endpoint-view.js';

@Injectable()
export class EndpointsService {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly bus: RedisBus,
    private readonly audit: AuditService,
  ) {}

  async create(body: unknown, actor: RequestActor): Promise<Endpoint> {
    const { name, description, ...config } = parseRequest(CreateEndpointBody, body);
    try {
      await this.db.$transaction(async (tx) => {
        const row = await tx.endpoint.create({ data: { name, description, config: config as Prisma.InputJsonValue } });
        await this.audit.record(actor, { action: AuditAction.endpointCreate, target: { type: 'endpoint', id: row.id, label: name }, after: { description, config } }, tx);
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw ProblemException.conflict(`endpoint "${name}" already exists: pick another name or change it with PATCH /v1/endpoints/${name}`);
      }
      throw error;
    }
    return this.get(name);
  }

  async updateConfig(name: string, body: unknown, actor: RequestActor): Promise<Endpoint> {
    const patch = parseRequest(EndpointConfig.partial().extend({ description: CreateEndpointBody.shape.description.optional() }).strict(), body);
    const row = await this.findRow(name);
    const { description, ...configPatch } = patch;
    const config = EndpointConfig.parse({ ...(row.config as object), ...configPatch });
    await this.db.$transaction(async (tx) => {
      await tx.endpoint.update({
        where: { id: row.id },
        data: { config: config as Prisma.InputJsonValue, ...(description !== undefined ? { description } : {}) },
      });
      await this.audit.record(
        actor,
        {
          action: AuditAction.endpointUpdate,
          target: { type: 'endpoint', id: row.id, label: name },
          before: { description: row.description, config: row.config },
          after: { description: description ?? row.description, config },
        },
        tx,
      );
    });
    await this.announce(name, row.activeRevision?.number ?? 0, versionIdsOf(row.activeRevision ? [row.activeRevision] : []));
    return this.get(name);
  }

  async list(): Promise<EndpointList> {
    const rows = await this.db.endpoint.findMany({ orderBy: { name: 'asc' }, include: { activeRevision: true } });
    const labels = await this.labelsFor(versionIdsOf(rows.flatMap((row) => (row.activeRevision ? [row.activeRevision] : []))));
    return { items: rows.map((row) => toEndpointView(row, labels)) };
  }

  async get(name: string): Promise<Endpoint> {
    const row = await this.findRow(name);
    const labels = await this.labelsFor(versionIdsOf(row.activeRevision ? [row.activeRevision] : []));
    return toEndpointView(row, labels);
  }

  async revisions(name: string): Promise<RevisionList> {
    const row = await this.findRow(name);
    const revisions = await this.db.revision.findMany({ where: { endpointId: row.id }, orderBy: { number: 'desc' } });
    const labels = await this.labelsFor(versionIdsOf(revisions));
    return { items: revisions.map((revision) => toRevisionView(revision, labels)) };
  }

  /** Sends 100 % of the endpoint's traffic to one version, as a new revision. */
  async promote(name: string, body: unknown, actor: RequestActor): Promise<Endpoint> {
    const request = parseRequest(PromoteBody, body);
    return this.changeRouting(name, request.expectedRevision, actor, AuditAction.endpointPromote, async (tx) => {
      const version = await this.deployableVersion(tx, request.model, request.version);
      return {
        kind: 'promote',
        routes: [{ versionId: version.id, weight: 100 }],
        shadows: [],
        reason: request.reason ?? `promote ${request.model}@v${request.version} to 100 %`,
      };
    });
  }

  /**
   * Deploys any split plus shadows. Admins may deploy anything; a data scientist's split must keep
   * at least half the traffic on the current primary (contracts' decideSplit).
   */
  async deploy(name: string, body: unknown, actor: RequestActor): Promise<Endpoint> {
    const request = parseRequest(DeployBody, body);
    return this.changeRouting(name, request.expectedRevision, actor, AuditAction.endpointDeploy, async (tx, active) => {
      const routes: StoredRoute[] = [];
      for (const route of request.routes) routes.push({ versionId: (await this.deployableVersion(tx, route.model, route.version)).id, weight: route.weight });
      const shadows: StoredShadow[] = [];
      for (const shadow of request.shadows) shadows.push({ versionId: (await this.deployableVersion(tx, shadow.model, shadow.version)).id, percent: shadow.percent });
      if (actor.principal?.kind === 'user') {
        const activeRoutes = (active?.routes ?? []) as unknown as StoredRoute[];
        const labels = await this.labelsFor([...activeRoutes, ...routes].map((route) => route.versionId), tx);
        const asSplit = (list: StoredRoute[]) =>
          list.map((route) => ({ version: route.versionId, weight: route.weight, label: labelText(labels.get(route.versionId)) }));
        const decision = decideSplit(actor.principal.user.role, asSplit(activeRoutes), asSplit(routes));
        if (!decision.allowed) throw ProblemException.forbidden(decision.reason);
      }
      const described = request.routes.map((route) => `${route.model}@v${route.version} ${route.weight} %`).join(', ');
      return { kind: routes.length > 1 ? 'canary' : 'deploy', routes, shadows, reason: request.reason ?? `deploy ${described}` };
    });
  }

  /**
   * Goes back to the previous revision (or the named one) by writing a new revision that copies
   * its routes and shadows: history is never rewritten, and rolling back a rollback undoes it.
   */
  async rollback(name: string, body: unknown, actor: RequestActor): Promise<Endpoint> {
    const request = parseRequest(RollbackBody, body);
    return this.changeRouting(name, request.expectedRevision, actor, AuditAction.endpointRollback, async (tx, active, endpointId) => {
      const targetNumber = request.toRevision ?? (active ? active.number - 1 : 0);
      if (!active || targetNumber < 1) throw ProblemException.conflict(`endpoint "${name}" has no earlier revision to roll back to`);
      if (targetNumber === active.number) throw ProblemException.conflict(`revision ${targetNumber} is already the active revision of "${name}"`);
      const target = await tx.revision.findUnique({ where: { endpointId_number: { endpointId, number: targetNumber } } });
      if (!target) throw ProblemException.notFound(`endpoint "${name}" has no revision ${targetNumber}`);
      const routes = target.routes as unknown as StoredRoute[];
      const shadows = target.shadows as unknown as StoredShadow[];
      for (const versionId of versionIdsOf([target])) await this.lockDeployable(tx, versionId);
      return { kind: 'rollback', routes, shadows, reason: request.reason ?? `roll back to revision ${targetNumber}` };
    });
  }

  /**
   * A routing change made by a person: the revision is committed (db's commitRevision: row lock,
   * expectedRevision check), audited in the same transaction, and announced to every process.
   * A running rollout stops: someone changed the endpoint by hand. `within` runs in the same
   * transaction once the revision exists (starting a rollout records it there).
   */
  async changeRouting(
    name: string,
    expectedRevision: number,
    actor: RequestActor,
    action: AuditAction,
    build: (tx: Prisma.TransactionClient, active: RevisionRow | null, endpointId: string) => Promise<RevisionDraft>,
    within?: (tx: Prisma.TransactionClient, committed: CommittedRevision) => Promise<void>,
  ): Promise<Endpoint> {
    const revision = await this.db
      .$transaction(async (tx) => {
        const committed = await commitRevision(tx, name, expectedRevision, actor.principal ? principalLabel(actor.principal) : null, (active, endpointId) =>
          build(tx, active, endpointId),
        );
        const { endpointId, previous, created } = committed;
        await tx.rollout.updateMany({
          where: { endpointId, status: 'running' },
          data: { status: 'aborted', outcome: `stopped by revision ${created.number} (${created.kind}), made by hand: ${created.reason}`, finishedAt: new Date() },
        });
        await within?.(tx, committed);
        await this.audit.record(
          actor,
          {
            action,
            target: { type: 'endpoint', id: endpointId, label: name },
            before: previous ? await describeRouting(tx, previous) : null,
            after: await describeRouting(tx, created),
            detail: created.reason,
          },
          tx,
        );
        return created;
      })
      .catch((error: unknown) => {
        if (error instanceof EndpointNotFoundError) throw ProblemException.notFound(error.message);
        if (error instanceof StaleRevisionError) throw ProblemException.conflict(error.message, ProblemCode.staleRevision);
        throw error;
      });
    await this.announce(name, revision.number, versionIdsOf([revision]));
    return this.get(name);
  }

  /** A version that may receive traffic: exists, ready, not archived, and locked against archiving. */
  async deployableVersion(tx: Prisma.TransactionClient, model: string, versionNumber: number) {
    const version = await tx.modelVersion.findFirst({ where: { model: { name: model }, version: versionNumber } });
    if (!version) throw ProblemException.notFound(`model "${model}" has no version ${versionNumber}`);
    await this.lockDeployable(tx, version.id);
    return version;
  }

  /**
   * Shares the row lock archiveVersion takes: an archive running now either finishes first (and
   * is seen here) or waits and then sees the new revision routing to the version.
   */
  private async lockDeployable(tx: Prisma.TransactionClient, versionId: string) {
    const [row] = await tx.$queryRaw<{ archived_at: Date | null; status: string; version: number; model: string }[]>`
      SELECT v.archived_at, v.status::text AS status, v.version, m.name AS model
      FROM model_versions v JOIN models m ON m.id = v.model_id WHERE v.id = ${versionId}::uuid FOR SHARE OF v`;
    if (!row) throw ProblemException.notFound(`a version this revision routes to no longer exists`);
    if (row.archived_at) throw ProblemException.conflict(`model "${row.model}" version ${row.version} is archived and cannot receive traffic`);
    if (row.status !== 'ready') throw ProblemException.conflict(`model "${row.model}" version ${row.version} is ${row.status}, not ready`);
  }

  /** Routing caches in every API process and the workers' queue hosts listen for this. */
  private async announce(endpoint: string, revision: number, versionIds: string[]) {
    const event: DeploymentEvent = { endpoint, revision, versionIds };
    await this.bus.publish(Channel.deployments, event);
  }

  private async findRow(name: string) {
    const row = await this.db.endpoint.findUnique({ where: { name }, include: { activeRevision: true } });
    if (!row) throw ProblemException.notFound(`endpoint "${name}" does not exist`);
    return row;
  }

  async labelsFor(versionIds: string[], client: Pick<Db, 'modelVersion'> = this.db): Promise<Map<string, VersionLabel>> {
    if (versionIds.length === 0) return new Map();
    const versions = await client.modelVersion.findMany({
      where: { id: { in: versionIds } },
      select: { id: true, version: true, model: { select: { name: true } } },
    });
    return new Map(versions.map((v) => [v.id, { model: v.model.name, version: v.version }]));
  }
}

const labelText = (label: VersionLabel | undefined) => (label ? `${label.model}@v${label.version}` : undefined);
