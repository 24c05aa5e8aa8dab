import { Inject, Injectable } from '@nestjs/common';
import {
  Channel,
  CreateEndpointBody,
  EndpointConfig,
  PromoteBody,
  ProblemCode,
  type DeploymentEvent,
  type Endpoint,
  type EndpointList,
  type RevisionList,
} from '@modelgate/contracts';
import { Prisma, type Db } from '@modelgate/db';
import { ProblemException } from '../common/problem.exception.js';
import { parseRequest } from '../common/zod-validation.js';
import { DB } from '../infrastructure/database.module.js';
import { RedisBus } from '../infrastructure/redis.module.js';
import { toEndpointView, toRevisionView, versionIdsOf, type StoredRoute, type VersionLabel } from './endpoint-view.js';

@Injectable()
export class EndpointsService {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly bus: RedisBus,
  ) {}

  async create(body: unknown): Promise<Endpoint> {
    const { name, description, ...config } = parseRequest(CreateEndpointBody, body);
    try {
      await this.db.endpoint.create({ data: { name, description, config: config as Prisma.InputJsonValue } });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw ProblemException.conflict(`endpoint "${name}" already exists: pick another name or change it with PATCH /v1/endpoints/${name}`);
      }
      throw error;
    }
    return this.get(name);
  }

  async updateConfig(name: string, body: unknown): Promise<Endpoint> {
    const patch = parseRequest(EndpointConfig.partial().extend({ description: CreateEndpointBody.shape.description.optional() }).strict(), body);
    const row = await this.findRow(name);
    const { description, ...configPatch } = patch;
    const config = EndpointConfig.parse({ ...(row.config as object), ...configPatch });
    await this.db.endpoint.update({
      where: { id: row.id },
      data: { config: config as Prisma.InputJsonValue, ...(description !== undefined ? { description } : {}) },
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
  async promote(name: string, body: unknown, actor: string | null): Promise<Endpoint> {
    const request = parseRequest(PromoteBody, body);
    const revision = await this.db.$transaction(async (tx) => {
      // The row lock makes "check expectedRevision, then write" atomic: of two concurrent promotes
      // made against the same revision, exactly one wins and the other gets 409.
      const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM endpoints WHERE name = ${name} FOR UPDATE`;
      const endpointId = locked[0]?.id;
      if (!endpointId) throw ProblemException.notFound(`endpoint "${name}" does not exist`);
      const endpoint = await tx.endpoint.findUniqueOrThrow({ where: { id: endpointId }, include: { activeRevision: true } });
      const current = endpoint.activeRevision?.number ?? 0;
      if (current !== request.expectedRevision) {
        throw ProblemException.conflict(
          `endpoint "${name}" is at revision ${current}, but this change was made against revision ${request.expectedRevision}: reload it and retry with expectedRevision ${current}`,
          ProblemCode.staleRevision,
        );
      }
      const version = await tx.modelVersion.findFirst({ where: { model: { name: request.model }, version: request.version } });
      if (!version) throw ProblemException.notFound(`model "${request.model}" has no version ${request.version}`);
      // Shares the row lock archiveVersion takes: an archive running now either finishes first
      // (and is seen here) or waits and then sees this revision routing to the version.
      const [lockedVersion] = await tx.$queryRaw<{ archived_at: Date | null }[]>`SELECT archived_at FROM model_versions WHERE id = ${version.id}::uuid FOR SHARE`;
      if (lockedVersion?.archived_at) {
        throw ProblemException.conflict(`model "${request.model}" version ${request.version} is archived and cannot receive traffic`);
      }
      if (version.status !== 'ready') throw ProblemException.conflict(`model "${request.model}" version ${request.version} is ${version.status}, not ready`);
      const last = await tx.revision.aggregate({ where: { endpointId }, _max: { number: true } });
      const routes: StoredRoute[] = [{ versionId: version.id, weight: 100 }];
      const created = await tx.revision.create({
        data: {
          endpointId,
          number: (last._max.number ?? 0) + 1,
          kind: 'promote',
          routes: routes as unknown as Prisma.InputJsonValue,
          shadows: [],
          reason: request.reason ?? `promote ${request.model}@v${request.version} to 100 %`,
          createdBy: actor,
        },
      });
      await tx.endpoint.update({ where: { id: endpointId }, data: { activeRevisionId: created.id } });
      return created;
    });
    await this.announce(name, revision.number, [(revision.routes as unknown as StoredRoute[])[0]!.versionId]);
    return this.get(name);
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

  private async labelsFor(versionIds: string[]): Promise<Map<string, VersionLabel>> {
    if (versionIds.length === 0) return new Map();
    const versions = await this.db.modelVersion.findMany({
      where: { id: { in: versionIds } },
      select: { id: true, version: true, model: { select: { name: true } } },
    });
    return new Map(versions.map((v) => [v.id, { model: v.model.name, version: v.version }]));
  }
}
