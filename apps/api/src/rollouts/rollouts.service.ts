import { Inject, Injectable } from '@nestjs/common';
import { AbortRolloutBody, AuditAction, primaryOf, ProblemCode, RolloutGuardrails, StartRolloutBody, type Rollout, type RolloutList } from '@modelgate/contracts';
import { Prisma, rolloutStepOffset, type Db, type Rollout as RolloutRow, type StoredRoute, type StoredShadow } from '@modelgate/db';
import { principalLabel, type RequestActor } from '../auth/principal.js';
import { ProblemException } from '../common/problem.exception.js';
import { parseRequest } from '../common/zod-validation.js';
import { EndpointsService } from '../endpoints/endpoints.service.js';
import { DB } from '../infrastructure/database.module.js';

/**
 * Progressive rollouts, by hand: start one (its first step is a new revision) and abort one (back
 * to the revision it started from). The worker's rollout judge moves it in between.
 */
@Injectable()
export class RolloutsService {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly endpoints: EndpointsService,
  ) {}

  async start(name: string, body: unknown, actor: RequestActor): Promise<Rollout> {
    const request = parseRequest(StartRolloutBody, body);
    let rolloutId = '';
    await this.endpoints.changeRouting(
      name,
      request.expectedRevision,
      actor,
      AuditAction.rolloutStart,
      async (tx, active, endpointId) => {
        if (!active) throw new ProblemException(409, ProblemCode.notDeployed, `endpoint "${name}" has no deployed version to roll out from: promote one first`);
        const running = await tx.rollout.findFirst({ where: { endpointId, status: 'running' } });
        if (running) throw ProblemException.conflict(`endpoint "${name}" already has rollout ${running.id} running: abort it first (POST /v1/endpoints/${name}/rollouts/${running.id}/abort)`);
        const candidate = await this.endpoints.deployableVersion(tx, request.model, request.version);
        const baseline = primaryOf(active.routes as unknown as StoredRoute[])!;
        if (baseline.versionId === candidate.id) {
          throw ProblemException.badInput(`${request.model}@v${request.version} already has the most traffic on "${name}" (${baseline.weight} %): roll out another version`);
        }
        const first = request.steps[0]!;
        return {
          kind: 'canary',
          routes: [
            { versionId: candidate.id, weight: first },
            { versionId: baseline.versionId, weight: 100 - first },
          ],
          shadows: (active.shadows as unknown as StoredShadow[]).filter((shadow) => shadow.versionId !== candidate.id),
          reason:
            request.reason ??
            `rollout of ${request.model}@v${request.version} starts at ${first} % (steps ${request.steps.join(' → ')} %, ${request.bakeSeconds} s each at least)`,
        };
      },
      async (tx, { endpointId, previous, created }) => {
        const routes = created.routes as unknown as StoredRoute[];
        const [candidateVersionId, baselineVersionId] = [routes[0]!.versionId, routes[1]!.versionId];
        const stepOffset = await rolloutStepOffset(tx, { endpointId, candidateVersionId, baselineVersionId }, created.createdAt);
        const row = await tx.rollout.create({
          data: {
            endpointId,
            candidateVersionId,
            baselineVersionId,
            stepOffset: stepOffset as unknown as Prisma.InputJsonValue,
            baselineRevision: previous!.number,
            revision: created.number,
            steps: request.steps,
            stepStartedAt: created.createdAt,
            bakeSeconds: request.bakeSeconds,
            guardrails: request.guardrails as Prisma.InputJsonValue,
            createdBy: actor.principal ? principalLabel(actor.principal) : null,
          },
        });
        rolloutId = row.id;
      },
    );
    return this.get(name, rolloutId);
  }

  /** Stops a running rollout and routes as the endpoint did before it began, as a new revision. */
  async abort(name: string, id: string, body: unknown, actor: RequestActor): Promise<Rollout> {
    const request = parseRequest(AbortRolloutBody, body ?? {});
    const rollout = await this.find(name, id);
    if (rollout.status !== 'running') throw ProblemException.conflict(`rollout ${id} has already ended (${rollout.status.replace('_', ' ')}): ${rollout.outcome ?? ''}`.trim());
    const who = actor.principal ? principalLabel(actor.principal) : 'system';
    await this.endpoints.changeRouting(
      name,
      rollout.revision,
      actor,
      AuditAction.rolloutAbort,
      async (tx, _active, endpointId) => {
        const baseline = await tx.revision.findUniqueOrThrow({ where: { endpointId_number: { endpointId, number: rollout.baselineRevision } } });
        return {
          kind: 'rollback',
          routes: baseline.routes as unknown as StoredRoute[],
          shadows: baseline.shadows as unknown as StoredShadow[],
          reason: `rollout aborted by ${who}${request.reason ? `: ${request.reason}` : ''}; back to revision ${rollout.baselineRevision}`,
        };
      },
      async (tx) => {
        await tx.rollout.update({ where: { id }, data: { status: 'aborted', outcome: `aborted by ${who}${request.reason ? `: ${request.reason}` : ''}`, finishedAt: new Date() } });
      },
    );
    return this.get(name, id);
  }

  async list(name: string): Promise<RolloutList> {
    const endpoint = await this.db.endpoint.findUnique({ where: { name } });
    if (!endpoint) throw ProblemException.notFound(`endpoint "${name}" does not exist`);
    const rows = await this.db.rollout.findMany({ where: { endpointId: endpoint.id }, orderBy: { createdAt: 'desc' }, take: 50 });
    return { items: await this.views(name, rows) };
  }

  async get(name: string, id: string): Promise<Rollout> {
    const [view] = await this.views(name, [await this.find(name, id)]);
    return view!;
  }

  private async find(name: string, id: string): Promise<RolloutRow> {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
    const row = uuid ? await this.db.rollout.findFirst({ where: { id, endpoint: { name } } }) : null;
    if (!row) throw ProblemException.notFound(`endpoint "${name}" has no rollout ${id}`);
    return row;
  }

  private async views(name: string, rows: RolloutRow[]): Promise<Rollout[]> {
    const labels = await this.endpoints.labelsFor(rows.flatMap((row) => [row.candidateVersionId, row.baselineVersionId]));
    const label = (versionId: string) => labels.get(versionId) ?? { model: '(deleted)', version: 0 };
    return rows.map((row) => ({
      id: row.id,
      endpoint: name,
      candidate: label(row.candidateVersionId),
      baseline: label(row.baselineVersionId),
      steps: row.steps,
      stepIndex: row.stepIndex,
      stepStartedAt: row.stepStartedAt.toISOString(),
      bakeSeconds: row.bakeSeconds,
      guardrails: RolloutGuardrails.parse(row.guardrails),
      status: row.status,
      lastEvaluation: (row.lastEvaluation as Rollout['lastEvaluation']) ?? null,
      outcome: row.outcome,
      createdBy: row.createdBy,
      createdAt: row.createdAt.toISOString(),
      finishedAt: row.finishedAt?.toISOString() ?? null,
    }));
  }
}
