import { Injectable, Logger } from '@nestjs/common';
import type { ScheduleRunTrigger } from '@modelgate/contracts';
import type { Prisma, ScheduleRun, StoredRoute } from '@modelgate/db';
import { EndpointScorer, type RowScore } from '../scoring/endpoint-scorer.js';
import { WorkerInfrastructure } from '../worker-infrastructure.js';

/** What a run is asked to do, from its BullMQ job. */
export interface RunRequest {
  endpointId: string;
  trigger: ScheduleRunTrigger;
  /** The BullMQ job id: a retried job recognises the run its dead worker left `running`. */
  jobId: string;
  requestedBy?: string;
  revision?: number;
  /** BullMQ runs the job again after a failed attempt. */
  retry?: boolean;
}

/**
 * Whether another job's run may still be going: a BullMQ job is `active` while a worker holds its
 * lock (and, for a dead worker, until the stalled-job check hands it to another worker).
 */
export type JobStateOf = (jobId: string) => Promise<string>;

export type RunStart =
  | { kind: 'started'; run: ScheduleRun; endpoint: string; rescored: number }
  /** Another job is scoring this endpoint now. */
  | { kind: 'busy'; runId: string }
  | { kind: 'endpoint-gone' }
  /** Nothing to score with: the run is recorded as failed with the reason (retrying would not help). */
  | { kind: 'not-deployed'; run: ScheduleRun }
  /** A promotion job with nothing to rescore: routes unchanged (a shadow-only change), or already rescored by another run. */
  | { kind: 'nothing-to-rescore' }
  /** A scheduled job whose schedule was deleted (its scheduler outlived the row). */
  | { kind: 'no-schedule' };

export interface RunTotals {
  scored: number;
  failed: number;
}

/**
 * Runs kept per endpoint, newest first: a schedule firing every minute writes half a million rows
 * a year, mostly "nothing pending"; the history needs the recent ones.
 */
export const RUNS_KEPT = 1000;

interface PendingRecord {
  key: string;
  inputs: Record<string, unknown>;
  inputs_hash: string;
}

/**
 * One scoring run of an endpoint's records: every record pending when the run reaches its key is
 * scored through the endpoint's routing (sticky by key) in chunks, and each outcome is written
 * only if the record is still pending with the inputs that were scored. So a record whose inputs
 * change during the run stays pending (for the next run), a retried run never writes a record
 * twice, and records already scored are never touched.
 */
@Injectable()
export class RecordsRun {
  private readonly logger = new Logger(RecordsRun.name);

  constructor(
    private readonly infrastructure: WorkerInfrastructure,
    private readonly scorer: EndpointScorer,
  ) {}

  /**
   * Opens a run, one at a time per endpoint: under a transaction-scoped advisory lock on the
   * endpoint, runs left `running` are looked at. The job's own earlier attempt (its worker died) and
   * runs whose job is no longer active are closed as failed with the reason; a run whose job is
   * active means another worker is scoring now (`busy`). Then, with rescoreOnPromote, a routing
   * change since the last rescore makes every record pending once, and the run row is written.
   */
  async start(request: RunRequest, jobStateOf: JobStateOf): Promise<RunStart> {
    return this.infrastructure.db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(${`records-run:${request.endpointId}`}, 0))`;
        const endpoint = await tx.endpoint.findUnique({ where: { id: request.endpointId }, include: { activeRevision: true, schedule: true } });
        if (!endpoint) return { kind: 'endpoint-gone' } as const;
        if (request.trigger === 'schedule' && !endpoint.schedule) return { kind: 'no-schedule' } as const;

        let retried = request.retry ?? false;
        for (const left of await tx.scheduleRun.findMany({ where: { endpointId: endpoint.id, status: 'running' } })) {
          let reason: string;
          if (left.jobId === request.jobId) {
            retried = true;
            reason = `its worker stopped before it finished; job ${request.jobId} was retried and scores the records still pending`;
          } else {
            const state = left.jobId ? await jobStateOf(left.jobId) : 'unknown';
            if (state === 'active') return { kind: 'busy', runId: left.id } as const;
            reason = `abandoned: no worker is running it any more (its job ${left.jobId ?? '?'} is ${state}); a later run scored the records still pending`;
          }
          await tx.scheduleRun.update({ where: { id: left.id }, data: { status: 'failed', error: reason, finishedAt: new Date() } });
          this.logger.warn(`records run ${left.id} of "${endpoint.name}" closed: ${reason}`);
        }

        let rescored = 0;
        let marked = false;
        let revision = request.revision ?? null;
        const schedule = endpoint.schedule;
        const active = endpoint.activeRevision;
        if (schedule?.rescoreOnPromote && active && schedule.rescoredRevision !== active.number) {
          if (await this.routesChanged(tx, endpoint.id, schedule.rescoredRevision, active.routes as unknown as StoredRoute[])) {
            rescored = await tx.$executeRaw`UPDATE records SET status = 'pending' WHERE endpoint_id = ${endpoint.id}::uuid AND status <> 'pending'`;
            revision = active.number;
            marked = true;
            this.logger.log(`"${endpoint.name}" routes differently at revision ${active.number}: ${rescored} records pending again for a rescore`);
          }
          await tx.scoringSchedule.update({ where: { endpointId: endpoint.id }, data: { rescoredRevision: active.number } });
        }
        // A retried promotion job goes on: its first attempt made the records pending, then failed or died.
        if (request.trigger === 'promotion' && !marked && !retried) {
          return { kind: 'nothing-to-rescore' } as const;
        }

        const fields = { endpointId: endpoint.id, trigger: request.trigger, jobId: request.jobId, requestedBy: request.requestedBy ?? null, revision };
        if (!active) {
          const error = `endpoint "${endpoint.name}" has no deployed version: promote one (POST /v1/endpoints/${endpoint.name}/promote); its records stay pending`;
          const run = await tx.scheduleRun.create({ data: { ...fields, status: 'failed', error, finishedAt: new Date() } });
          return { kind: 'not-deployed', run } as const;
        }
        const run = await tx.scheduleRun.create({ data: fields });
        return { kind: 'started', run, endpoint: endpoint.name, rescored } as const;
      },
      { timeout: 30_000 },
    );
  }

  /**
   * Scores every pending record in key order, `chunkSize` at a time, keeping the run's counts up
   * to date after each chunk; closes the run as succeeded, or as failed with the reason (and
   * rethrows, so BullMQ may retry: only records still pending are scored again).
   */
  async score(run: ScheduleRun, endpoint: string, chunkSize: number): Promise<RunTotals> {
    const db = this.infrastructure.db;
    const totals: RunTotals = { scored: 0, failed: 0 };
    try {
      // Walking by key (not "the first pending ones" again) moves past records that stay pending
      // because their inputs changed meanwhile: each run visits a key at most once.
      let after = '';
      for (;;) {
        const chunk = await db.$queryRaw<PendingRecord[]>`
          SELECT key, inputs, inputs_hash FROM records
          WHERE endpoint_id = ${run.endpointId}::uuid AND status = 'pending' AND key > ${after}
          ORDER BY key LIMIT ${chunkSize}`;
        if (chunk.length === 0) break;
        after = chunk.at(-1)!.key;
        const scores = await this.scorer.score({ endpoint }, chunk.map((record) => ({ key: record.key, inputs: record.inputs })));
        const written = await this.writeOutcomes(run.endpointId, chunk, scores);
        totals.scored += written.scored;
        totals.failed += written.failed;
        await db.scheduleRun.update({ where: { id: run.id }, data: totals });
      }
      await db.scheduleRun.update({ where: { id: run.id }, data: { ...totals, status: 'succeeded', finishedAt: new Date() } });
      await this.forgetOldRuns(run.endpointId);
      return totals;
    } catch (error) {
      const reason = (error as Error).message;
      await db.scheduleRun
        .update({ where: { id: run.id }, data: { ...totals, status: 'failed', error: reason, finishedAt: new Date() } })
        .catch((closing: unknown) => this.logger.error(`could not close records run ${run.id}: ${(closing as Error).message}`));
      throw error;
    }
  }

  /**
   * One UPDATE for a chunk's outcomes. A record is written only while it is still pending with the
   * inputs that were scored (inputs_hash): new inputs pushed meanwhile keep it pending, and an
   * outcome already written (by an earlier attempt) is not written again.
   */
  async writeOutcomes(endpointId: string, records: Pick<PendingRecord, 'key' | 'inputs_hash'>[], scores: RowScore[]): Promise<RunTotals> {
    const outcomes = records.map((record, index) => {
      const score = scores[index]!;
      return score.ok
        ? { key: record.key, inputs_hash: record.inputs_hash, status: 'scored', prediction: score.outputs, version_id: score.versionId, error: null }
        : { key: record.key, inputs_hash: record.inputs_hash, status: 'failed', prediction: null, version_id: score.versionId ?? null, error: score.error };
    });
    const written = await this.infrastructure.db.$queryRaw<{ status: 'scored' | 'failed' }[]>`
      UPDATE records AS r
      SET status = o.status::"RecordStatus", prediction = o.prediction, version_id = o.version_id, error = o.error, scored_at = now()
      FROM jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb)
        AS o(key text, inputs_hash text, status text, prediction jsonb, version_id uuid, error text)
      WHERE r.endpoint_id = ${endpointId}::uuid AND r.key = o.key AND r.inputs_hash = o.inputs_hash AND r.status = 'pending'
      RETURNING r.status::text AS status`;
    return { scored: written.filter((row) => row.status === 'scored').length, failed: written.filter((row) => row.status === 'failed').length };
  }

  private async forgetOldRuns(endpointId: string) {
    await this.infrastructure.db.$executeRaw`
      DELETE FROM schedule_runs WHERE id IN (
        SELECT id FROM schedule_runs WHERE endpoint_id = ${endpointId}::uuid AND status <> 'running'
        ORDER BY started_at DESC OFFSET ${RUNS_KEPT})`;
  }

  /** Whether the active routes differ from those of the revision last rescored for (shadows never change a prediction). */
  private async routesChanged(tx: Prisma.TransactionClient, endpointId: string, rescoredRevision: number | null, activeRoutes: StoredRoute[]): Promise<boolean> {
    if (rescoredRevision === null) return true;
    const before = await tx.revision.findUnique({ where: { endpointId_number: { endpointId, number: rescoredRevision } } });
    if (!before) return true;
    const describe = (routes: StoredRoute[]) =>
      routes
        .filter((route) => route.weight > 0)
        .map((route) => `${route.versionId}:${route.weight}`)
        .join(',');
    return describe(before.routes as unknown as StoredRoute[]) !== describe(activeRoutes);
  }
}
