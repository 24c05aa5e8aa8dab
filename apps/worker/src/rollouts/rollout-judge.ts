import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  AuditAction,
  Channel,
  JudgeRolloutsJobData,
  ROLLOUT_JUDGE_SCHEDULER,
  RolloutGuardrails,
  type DeploymentEvent,
  type RolloutEvaluation,
} from '@modelgate/contracts';
import {
  commitRevision,
  describeRouting,
  Prisma,
  StaleRevisionError,
  rolloutStepOffset,
  subtractTotals,
  sumLiveTraffic,
  type LatencyTotals,
  type Revision,
  type RevisionDraft,
  type Rollout,
  type StoredRoute,
  type StoredShadow,
} from '@modelgate/db';
import type { Job } from 'bullmq';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker-config.js';
import type { QueueProcessorRegistration } from '../queues/queue-catalogue.js';
import { ScheduledJob } from '../queues/scheduled-job.js';
import { WorkerInfrastructure } from '../worker-infrastructure.js';
import { judgeStep } from './rollout-verdict.js';

/** What one pass did to each running rollout. */
export interface JudgeOutcome {
  rolloutId: string;
  verdict: RolloutEvaluation['verdict'] | 'stopped';
  reason: string;
}

const TRANSITIONS = {
  advance: { kind: 'auto_advance', action: AuditAction.rolloutAdvance },
  complete: { kind: 'auto_promote', action: AuditAction.rolloutComplete },
  rollback: { kind: 'auto_rollback', action: AuditAction.rolloutRollback },
} as const;

/**
 * The rollout judge: every MODELGATE_ROLLOUT_CHECK_MS a job on the `rollouts` queue (one job
 * scheduler, whichever worker runs it) reads each running rollout's current step from the latency
 * rollups and advances it, completes it (the candidate promoted to 100 %) or rolls it back: each
 * move a revision of kind auto-*, with the reason in words, audited as the system, announced to
 * every process. A rollout whose endpoint was changed by anyone else stops.
 */
@Injectable()
export class RolloutJudge implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly registration: QueueProcessorRegistration = { family: 'rollouts', describe: 'progressive rollouts judged from the latency rollups' };
  private readonly logger = new Logger(RolloutJudge.name);
  private readonly job: ScheduledJob;

  constructor(
    @Inject(WORKER_CONFIG) config: WorkerConfig,
    private readonly infrastructure: WorkerInfrastructure,
  ) {
    this.job = new ScheduledJob({
      family: 'rollouts',
      scheduler: ROLLOUT_JUDGE_SCHEDULER,
      jobName: 'judge',
      data: { schema: 1 } satisfies JudgeRolloutsJobData,
      everyMs: config.MODELGATE_ROLLOUT_CHECK_MS,
      connection: infrastructure.redis,
      prefix: config.MODELGATE_REDIS_PREFIX,
      logger: this.logger,
      process: (job) => this.process(job),
    });
  }

  onApplicationBootstrap() {
    return this.job.start();
  }

  async process(job: Job): Promise<JudgeOutcome[]> {
    JudgeRolloutsJobData.parse(job.data);
    return this.judgeAll(new Date());
  }

  /** One pass over every running rollout, as of `now`. */
  async judgeAll(now: Date): Promise<JudgeOutcome[]> {
    const running = await this.infrastructure.db.rollout.findMany({ where: { status: 'running' }, orderBy: { createdAt: 'asc' } });
    const outcomes: JudgeOutcome[] = [];
    for (const rollout of running) {
      try {
        outcomes.push(await this.judge(rollout, now));
      } catch (error) {
        this.logger.error(`could not judge rollout ${rollout.id}: ${(error as Error).message}`);
      }
    }
    return outcomes;
  }

  private async judge(rollout: Rollout, now: Date): Promise<JudgeOutcome> {
    const db = this.infrastructure.db;
    const traffic = await sumLiveTraffic(db, rollout.endpointId, [rollout.candidateVersionId, rollout.baselineVersionId], rollout.stepStartedAt);
    // Rows are per minute: take away what the step's first minute had counted before it began.
    const offset = (rollout.stepOffset ?? {}) as Partial<Record<'candidate' | 'baseline', LatencyTotals>>;
    const evaluation = judgeStep(
      {
        guardrails: RolloutGuardrails.parse(rollout.guardrails),
        bakeSeconds: rollout.bakeSeconds,
        elapsedSeconds: (now.getTime() - rollout.stepStartedAt.getTime()) / 1000,
        lastStep: rollout.stepIndex >= rollout.steps.length - 2,
        candidate: subtractTotals(traffic.get(rollout.candidateVersionId)!, offset.candidate),
        baseline: subtractTotals(traffic.get(rollout.baselineVersionId)!, offset.baseline),
      },
      now,
    );
    const lastEvaluation = evaluation as unknown as Prisma.InputJsonValue;
    if (evaluation.verdict === 'wait') {
      await db.rollout.updateMany({ where: { id: rollout.id, status: 'running', revision: rollout.revision }, data: { lastEvaluation } });
      return { rolloutId: rollout.id, verdict: 'wait', reason: evaluation.reason };
    }

    const transition = TRANSITIONS[evaluation.verdict];
    const endpoint = await db.endpoint.findUniqueOrThrow({ where: { id: rollout.endpointId } });
    try {
      const committed = await db.$transaction(async (tx) => {
        // Another judge (another worker) may have moved it meanwhile: act only on what was read.
        const [still] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM rollouts WHERE id = ${rollout.id}::uuid AND status = 'running' AND revision = ${rollout.revision} FOR UPDATE`;
        if (!still) return null;
        const result = await commitRevision(tx, endpoint.name, rollout.revision, 'system (rollout judge)', async (active) => this.draft(tx, rollout, active!, evaluation));
        const nextStep = rollout.stepIndex + 1;
        await tx.rollout.update({
          where: { id: rollout.id },
          data:
            evaluation.verdict === 'advance'
              ? {
                  stepIndex: nextStep,
                  stepStartedAt: result.created.createdAt,
                  stepOffset: (await rolloutStepOffset(tx, rollout, result.created.createdAt)) as unknown as Prisma.InputJsonValue,
                  revision: result.created.number,
                  lastEvaluation,
                }
              : {
                  status: evaluation.verdict === 'complete' ? 'completed' : 'rolled_back',
                  ...(evaluation.verdict === 'complete' ? { stepIndex: rollout.steps.length - 1 } : {}),
                  revision: result.created.number,
                  lastEvaluation,
                  outcome: evaluation.verdict === 'complete' ? `completed: ${evaluation.reason}` : `rolled back: ${evaluation.reason}`,
                  finishedAt: now,
                },
        });
        await tx.auditEvent.create({
          data: {
            action: transition.action,
            actorType: 'system',
            actorLabel: 'system (rollout judge)',
            targetType: 'endpoint',
            targetId: endpoint.id,
            targetLabel: endpoint.name,
            before: result.previous ? await describeRouting(tx, result.previous) : Prisma.DbNull,
            after: await describeRouting(tx, result.created),
            detail: result.created.reason,
          },
        });
        return result;
      });
      if (!committed) return { rolloutId: rollout.id, verdict: 'stopped', reason: 'moved by another judge meanwhile' };
      const event: DeploymentEvent = {
        endpoint: endpoint.name,
        revision: committed.created.number,
        versionIds: [...new Set([...(committed.created.routes as unknown as StoredRoute[]), ...(committed.created.shadows as unknown as StoredShadow[])].map((route) => route.versionId))],
      };
      await this.infrastructure.redis.publish(this.infrastructure.channel(Channel.deployments), JSON.stringify(event));
      this.logger.log(`rollout ${rollout.id} on "${endpoint.name}": ${evaluation.verdict} (revision ${committed.created.number}): ${evaluation.reason}`);
      return { rolloutId: rollout.id, verdict: evaluation.verdict, reason: evaluation.reason };
    } catch (error) {
      if (!(error instanceof StaleRevisionError)) throw error;
      const outcome = `stopped: endpoint "${endpoint.name}" is at revision ${error.current}, changed outside the rollout (which last wrote revision ${rollout.revision})`;
      await db.rollout.updateMany({ where: { id: rollout.id, status: 'running' }, data: { status: 'aborted', outcome, finishedAt: now } });
      return { rolloutId: rollout.id, verdict: 'stopped', reason: outcome };
    }
  }

  /** The revision a verdict writes: the next step's split, the candidate alone, or the routing the rollout started from. */
  private async draft(tx: Prisma.TransactionClient, rollout: Rollout, active: Revision, evaluation: RolloutEvaluation): Promise<RevisionDraft> {
    const shadows = (active.shadows as unknown as StoredShadow[]).filter((shadow) => shadow.versionId !== rollout.candidateVersionId);
    if (evaluation.verdict === 'rollback') {
      const baseline = await tx.revision.findUniqueOrThrow({ where: { endpointId_number: { endpointId: rollout.endpointId, number: rollout.baselineRevision } } });
      return {
        kind: TRANSITIONS.rollback.kind,
        routes: baseline.routes as unknown as StoredRoute[],
        shadows: baseline.shadows as unknown as StoredShadow[],
        reason: `rollout rolled back at ${rollout.steps[rollout.stepIndex]} %: ${evaluation.reason}; back to revision ${rollout.baselineRevision}`,
      };
    }
    if (evaluation.verdict === 'complete') {
      return { kind: TRANSITIONS.complete.kind, routes: [{ versionId: rollout.candidateVersionId, weight: 100 }], shadows, reason: `rollout completed: ${evaluation.reason}` };
    }
    const from = rollout.steps[rollout.stepIndex]!;
    const to = rollout.steps[rollout.stepIndex + 1]!;
    return {
      kind: TRANSITIONS.advance.kind,
      routes: [
        { versionId: rollout.candidateVersionId, weight: to },
        { versionId: rollout.baselineVersionId, weight: 100 - to },
      ],
      shadows,
      reason: `rollout advanced ${from} % → ${to} %: ${evaluation.reason}`,
    };
  }

  onApplicationShutdown() {
    return this.job.stop();
  }
}
