import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditAction, SCHEDULE_RUNS_SHOWN, ScheduleBody, type Schedule, type ScheduleRun, type ScoreRecordsAccepted } from '@modelgate/contracts';
import type { Db, ScheduleRun as ScheduleRunRow } from '@modelgate/db';
import { CronExpressionParser } from 'cron-parser';
import { AuditService } from '../audit/audit.service.js';
import { principalLabel, type RequestActor } from '../auth/principal.js';
import { ProblemException } from '../common/problem.exception.js';
import { parseRequest } from '../common/zod-validation.js';
import { DB } from '../infrastructure/database.module.js';
import { RecordsScoringQueue } from './records-scoring-queue.js';
import { RecordsService } from './records.service.js';

/** How many upcoming firings `GET …/schedule` shows. */
const NEXT_RUNS_SHOWN = 5;

const CRON_HELP =
  'expected five fields "minute hour day-of-month month day-of-week" (e.g. "0 3 * * *" for 03:00 every day), ' +
  'six with a leading seconds field (e.g. "*/30 * * * * *"), or an alias such as "@hourly"';

/**
 * Each endpoint's scoring schedule: a row (what people set, audited) mirrored by one BullMQ job
 * scheduler on the `records-scoring` queue (what fires). Runs asked for by hand go on the same
 * queue; every run, whatever started it, is in the run history.
 */
@Injectable()
export class ScoringScheduleService {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly audit: AuditService,
    private readonly queue: RecordsScoringQueue,
    private readonly records: RecordsService,
  ) {}

  async put(name: string, body: unknown, actor: RequestActor): Promise<Schedule> {
    const request = parseRequest(ScheduleBody, body);
    nextRunsOf(request.cron, request.timezone, new Date());
    const endpoint = await this.db.endpoint.findUnique({ where: { name }, include: { activeRevision: { select: { number: true } }, schedule: true } });
    if (!endpoint) throw ProblemException.notFound(`endpoint "${name}" does not exist`);
    const before = endpoint.schedule;
    const who = actor.principal ? principalLabel(actor.principal) : null;
    // Turning rescoreOnPromote on starts from the routing the records were scored with so far:
    // only a later change of routing rescores them.
    const rescoredRevision = before?.rescoreOnPromote && request.rescoreOnPromote ? before.rescoredRevision : (endpoint.activeRevision?.number ?? null);
    await this.db.$transaction(async (tx) => {
      const settings = { cron: request.cron, timezone: request.timezone, rescoreOnPromote: request.rescoreOnPromote, rescoredRevision, createdBy: who };
      await tx.scoringSchedule.upsert({ where: { endpointId: endpoint.id }, create: { endpointId: endpoint.id, ...settings }, update: settings });
      await this.audit.record(
        actor,
        {
          action: AuditAction.scheduleUpdate,
          target: { type: 'endpoint', id: endpoint.id, label: name },
          before: before ? { cron: before.cron, timezone: before.timezone, rescoreOnPromote: before.rescoreOnPromote } : null,
          after: { cron: request.cron, timezone: request.timezone, rescoreOnPromote: request.rescoreOnPromote },
        },
        tx,
      );
      // Last, inside the transaction: if Redis refuses, the row and the audit entry roll back too.
      // (If the commit fails after this, the scheduler fires without a row and removes itself.)
      await this.queue.upsertSchedule(endpoint.id, request.cron, request.timezone);
    });
    return this.get(name);
  }

  async get(name: string): Promise<Schedule> {
    const endpoint = await this.db.endpoint.findUnique({ where: { name }, include: { schedule: true } });
    if (!endpoint) throw ProblemException.notFound(`endpoint "${name}" does not exist`);
    const runs = await this.db.scheduleRun.findMany({ where: { endpointId: endpoint.id }, orderBy: { startedAt: 'desc' }, take: SCHEDULE_RUNS_SHOWN });
    const schedule = endpoint.schedule;
    return {
      endpoint: name,
      cron: schedule?.cron ?? null,
      timezone: schedule?.timezone ?? null,
      rescoreOnPromote: schedule?.rescoreOnPromote ?? false,
      nextRuns: schedule ? nextRunsOf(schedule.cron, schedule.timezone, new Date()) : [],
      updatedAt: schedule?.updatedAt.toISOString() ?? null,
      updatedBy: schedule?.createdBy ?? null,
      runs: runs.map(toRunView),
    };
  }

  async remove(name: string, actor: RequestActor): Promise<Schedule> {
    const endpoint = await this.db.endpoint.findUnique({ where: { name }, include: { schedule: true } });
    if (!endpoint) throw ProblemException.notFound(`endpoint "${name}" does not exist`);
    const schedule = endpoint.schedule;
    if (!schedule) throw ProblemException.notFound(`endpoint "${name}" has no schedule to delete`);
    await this.db.$transaction(async (tx) => {
      await tx.scoringSchedule.delete({ where: { endpointId: endpoint.id } });
      await this.audit.record(
        actor,
        {
          action: AuditAction.scheduleDelete,
          target: { type: 'endpoint', id: endpoint.id, label: name },
          before: { cron: schedule.cron, timezone: schedule.timezone, rescoreOnPromote: schedule.rescoreOnPromote },
        },
        tx,
      );
      await this.queue.removeSchedule(endpoint.id);
    });
    return this.get(name);
  }

  /** Queues a run of the endpoint's pending records now; it shows in `GET …/schedule` once a worker starts it. */
  async runNow(name: string, actor: RequestActor): Promise<ScoreRecordsAccepted> {
    const endpoint = await this.records.findEndpoint(name);
    const counts = await this.records.counts(endpoint.id);
    const jobId = `manual-${endpoint.id}-${randomUUID()}`;
    await this.queue.runNow(jobId, {
      schema: 1,
      endpointId: endpoint.id,
      trigger: 'manual',
      ...(actor.principal ? { requestedBy: principalLabel(actor.principal) } : {}),
    });
    return { jobId, pending: counts.pending, statusUrl: `/v1/endpoints/${name}/schedule` };
  }
}

/**
 * The next firings of a cron expression in a time zone, as BullMQ will compute them (it uses the
 * same cron-parser); any mistake is a 400 that says what is wrong and what is expected.
 */
export function nextRunsOf(cron: string, timezone: string, from: Date): string[] {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw ProblemException.badInput(`timezone "${timezone}" is not a time zone: use an IANA name such as "UTC", "Europe/Paris" or "America/New_York"`, [
      { path: 'body.timezone', message: 'not an IANA time zone name' },
    ]);
  }
  const fields = cron.trim().split(/\s+/);
  if (!cron.trim().startsWith('@') && fields.length !== 5 && fields.length !== 6) {
    throw ProblemException.badInput(`cron "${cron}" has ${fields.length} field(s): ${CRON_HELP}`, [{ path: 'body.cron', message: `${fields.length} field(s)` }]);
  }
  let next: string[];
  try {
    const expression = CronExpressionParser.parse(cron, { tz: timezone, currentDate: from });
    next = expression.take(NEXT_RUNS_SHOWN).map((date) => new Date(date.getTime()).toISOString());
  } catch (error) {
    throw ProblemException.badInput(`cron "${cron}" is not valid (${(error as Error).message}): ${CRON_HELP}`, [{ path: 'body.cron', message: (error as Error).message }]);
  }
  if (next.length === 0) throw ProblemException.badInput(`cron "${cron}" never fires: ${CRON_HELP}`, [{ path: 'body.cron', message: 'never fires' }]);
  return next;
}

function toRunView(row: ScheduleRunRow): ScheduleRun {
  return {
    id: row.id,
    trigger: row.trigger,
    status: row.status,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    scored: row.scored,
    failed: row.failed,
    error: row.error,
    requestedBy: row.requestedBy,
    revision: row.revision,
  };
}
