import { z } from 'zod';
import { TensorJson } from './predict.js';

/**
 * The records inbox: applications push data points for batch scoring; a schedule (or a run by
 * hand) scores the pending ones through the endpoint's routing and keeps the latest prediction.
 */
export const RecordKey = z
  .string()
  .min(1, 'a record key is 1 to 256 characters')
  .max(256, 'a record key is 1 to 256 characters');

export const RecordInput = z
  .object({
    key: RecordKey,
    inputs: z.record(z.string(), TensorJson, {
      error: 'inputs must be an object keyed by input name, e.g. {"features": [[0.1, 2.0, 3.5, 1.0]]}',
    }),
  })
  .strict();
export type RecordInput = z.infer<typeof RecordInput>;

/** Most records one `POST …/records` may carry. */
export const MAX_RECORDS_PER_REQUEST = 10_000;

export const PushRecordsBody = z
  .object({
    records: z
      .array(RecordInput)
      .min(1, 'send at least one record')
      .max(MAX_RECORDS_PER_REQUEST, `send at most ${MAX_RECORDS_PER_REQUEST.toLocaleString('en-US')} records per request`),
  })
  .strict();
export type PushRecordsBody = z.infer<typeof PushRecordsBody>;

/** What a push did: new keys, keys whose inputs changed (pending again), keys sent again unchanged. */
export const PushRecordsResult = z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int() });
export type PushRecordsResult = z.infer<typeof PushRecordsResult>;

export const RecordStatus = z.enum(['pending', 'scored', 'failed']);
export type RecordStatus = z.infer<typeof RecordStatus>;

export const InboxRecord = z.object({
  key: z.string(),
  status: RecordStatus,
  inputs: z.record(z.string(), z.unknown()),
  /**
   * Outputs as a predict response gives them; null until scored and after a failure. A record made
   * pending again by a promotion keeps its previous prediction until it is rescored; new inputs
   * clear it.
   */
  prediction: z.record(z.string(), z.unknown()).nullable(),
  model: z.string().nullable(),
  version: z.number().int().nullable(),
  /** Why the last scoring failed, naming the input; null otherwise. */
  error: z.string().nullable(),
  /** When these inputs arrived (a push with new inputs resets it). */
  receivedAt: z.string(),
  /** When the prediction (or the failure) was written. */
  scoredAt: z.string().nullable(),
});
export type InboxRecord = z.infer<typeof InboxRecord>;

export const RecordListQuery = z
  .object({
    status: RecordStatus.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    /** The `nextCursor` of the previous page. */
    cursor: z.string().optional(),
  })
  .strict();
export type RecordListQuery = z.infer<typeof RecordListQuery>;

export const RecordCounts = z.object({ pending: z.number().int(), scored: z.number().int(), failed: z.number().int() });
export type RecordCounts = z.infer<typeof RecordCounts>;

/** A page of records in key order, with the endpoint's counts per status (of all records, not the page). */
export const RecordList = z.object({
  items: z.array(InboxRecord),
  nextCursor: z.string().nullable(),
  counts: RecordCounts,
});
export type RecordList = z.infer<typeof RecordList>;

/**
 * `PUT /v1/endpoints/{e}/schedule`: a cron expression of five fields (minute hour day-of-month month
 * day-of-week), or six with a leading seconds field, or an alias such as `@hourly`; evaluated in
 * UTC unless a time zone (IANA name, e.g. `Europe/Paris`) is named.
 */
export const ScheduleBody = z
  .object({
    cron: z.string().min(1).max(200),
    timezone: z.string().min(1).max(64).default('UTC'),
    /** After every change of what the endpoint routes to (promotion, rollback, rollout step), score every record again. */
    rescoreOnPromote: z.boolean().default(false),
  })
  .strict();
export type ScheduleBody = z.input<typeof ScheduleBody>;

export const ScheduleRunTrigger = z.enum(['schedule', 'manual', 'promotion']);
export type ScheduleRunTrigger = z.infer<typeof ScheduleRunTrigger>;
export const ScheduleRunStatus = z.enum(['running', 'succeeded', 'failed']);
export type ScheduleRunStatus = z.infer<typeof ScheduleRunStatus>;

export const ScheduleRun = z.object({
  id: z.string(),
  trigger: ScheduleRunTrigger,
  status: ScheduleRunStatus,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  scored: z.number().int(),
  failed: z.number().int(),
  /** Why the run itself failed (its records stay pending); failures of single records are on the records. */
  error: z.string().nullable(),
  /** Who asked for a manual run. */
  requestedBy: z.string().nullable(),
  /** The revision a promotion run rescored for. */
  revision: z.number().int().nullable(),
});
export type ScheduleRun = z.infer<typeof ScheduleRun>;

/** How many runs `GET …/schedule` lists, newest first. */
export const SCHEDULE_RUNS_SHOWN = 20;

/** `GET …/schedule`: the schedule (cron null when there is none) and the latest runs, by hand ones too. */
export const Schedule = z.object({
  endpoint: z.string(),
  cron: z.string().nullable(),
  timezone: z.string().nullable(),
  rescoreOnPromote: z.boolean(),
  /** The next few times it will run (ISO-8601); empty without a schedule. */
  nextRuns: z.array(z.string()),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  runs: z.array(ScheduleRun),
});
export type Schedule = z.infer<typeof Schedule>;

/** `POST …/records/score` answers 202: the run is queued; its outcome appears in `GET …/schedule`. */
export const ScoreRecordsAccepted = z.object({
  jobId: z.string(),
  /** Records pending when it was queued. */
  pending: z.number().int(),
  statusUrl: z.string(),
});
export type ScoreRecordsAccepted = z.infer<typeof ScoreRecordsAccepted>;

/**
 * A job on the `records-scoring` queue: score every pending record of one endpoint. The per-endpoint
 * job scheduler (id `recordsSchedulerId`) produces `schedule` jobs; the API adds `manual` ones; a
 * worker that hears of a new revision adds one `promotion` job per endpoint and revision.
 */
export const ScoreRecordsJobData = z.object({
  schema: z.literal(1),
  endpointId: z.string(),
  trigger: ScheduleRunTrigger,
  requestedBy: z.string().optional(),
  revision: z.number().int().optional(),
});
export type ScoreRecordsJobData = z.infer<typeof ScoreRecordsJobData>;

export const SCORE_RECORDS_JOB = 'score-records';

/** The BullMQ job scheduler of an endpoint's schedule: one per endpoint, whoever upserts it. */
export const recordsSchedulerId = (endpointId: string) => `records-${endpointId}`;

/** One promotion rescore per endpoint and revision, however many workers heard of it. */
export const promotionRescoreJobId = (endpointId: string, revision: number) => `promotion-${endpointId}-${revision}`;
