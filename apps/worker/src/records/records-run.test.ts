import { randomBytes } from 'node:crypto';
import { commitRevision, type Db, type StoredRoute } from '@modelgate/db';
import { createTestDatabase, type TestDatabase } from '@modelgate/db/testing';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../config/worker-config.js';
import { ModelSessions } from '../inference/model-sessions.js';
import { EndpointScorer } from '../scoring/endpoint-scorer.js';
import { WorkerInfrastructure } from '../worker-infrastructure.js';
import { RecordsRun, RUNS_KEPT } from './records-run.js';

/**
 * The parts of a records run that decide "once": outcomes written only over the inputs that were
 * scored, one run per endpoint at a time, runs of dead workers closed, and a routing change
 * rescoring once. Real PostgreSQL and a real BullMQ queue (for "is that job still active").
 * Scoring itself, end to end, is in apps/api/src/records/records.test.ts.
 */
let database: TestDatabase;
let infrastructure: WorkerInfrastructure;
let db: Db;
let runs: RecordsRun;
let queue: Queue;
let endpointId: string;
const prefix = `mgtest-${randomBytes(6).toString('hex')}`;
const VERSION_A = '11111111-1111-4111-8111-111111111111';
const VERSION_B = '22222222-2222-4222-8222-222222222222';

/** Stored as the API's push stores it: the database hashes jsonb's canonical text. */
async function pushRecord(key: string, inputs: unknown) {
  await db.$executeRaw`
    INSERT INTO records (endpoint_id, key, inputs, inputs_hash)
    VALUES (${endpointId}::uuid, ${key}, ${JSON.stringify(inputs)}::jsonb, encode(sha256(convert_to(${JSON.stringify(inputs)}::jsonb::text, 'UTF8')), 'hex'))
    ON CONFLICT (endpoint_id, key) DO UPDATE SET inputs = EXCLUDED.inputs, inputs_hash = EXCLUDED.inputs_hash, status = 'pending'`;
}

const recordOf = (key: string) => db.inboxRecord.findUniqueOrThrow({ where: { endpointId_key: { endpointId, key } } });
const scoredOutcome = (versionId: string) => ({ ok: true as const, outputs: { y: [[1]] }, versionId, model: 'm', version: 1 });

async function deploy(expected: number, routes: StoredRoute[], shadows: { versionId: string; percent: number }[] = []) {
  await db.$transaction((tx) => commitRevision(tx, 'inbox', expected, 'test', async () => ({ kind: 'deploy', routes, shadows, reason: 'test' })));
}

beforeAll(async () => {
  database = await createTestDatabase();
  infrastructure = new WorkerInfrastructure(
    loadWorkerConfig({ DATABASE_URL: database.url, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', MODELGATE_REDIS_PREFIX: prefix }),
  );
  db = infrastructure.db;
  runs = new RecordsRun(infrastructure, new EndpointScorer(infrastructure, new ModelSessions(infrastructure)));
  queue = new Queue('records-scoring', { connection: infrastructure.redis, prefix });
  endpointId = (await db.endpoint.create({ data: { name: 'inbox', config: {} } })).id;
  for (const id of [VERSION_A, VERSION_B]) {
    const model = await db.model.upsert({ where: { name: 'm' }, create: { name: 'm' }, update: {} });
    await db.modelVersion.create({ data: { id, modelId: model.id, version: id === VERSION_A ? 1 : 2, sha256: 'a'.repeat(64), sizeBytes: 1n, signature: {}, facts: {} } });
  }
  await deploy(0, [{ versionId: VERSION_A, weight: 100 }]);
}, 60_000);

beforeEach(async () => {
  await db.scheduleRun.deleteMany({});
  await db.inboxRecord.deleteMany({});
});

afterAll(async () => {
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  await infrastructure?.onApplicationShutdown();
  await database?.drop();
});

describe('writing outcomes', () => {
  it('writes a record only while it is pending with the inputs that were scored', async () => {
    await pushRecord('kept', { x: [[1, 2]] });
    await pushRecord('changed', { x: [[1, 2]] });
    const scoredHashes = await Promise.all(['kept', 'changed'].map(async (key) => ({ key, inputs_hash: (await recordOf(key)).inputsHash })));
    // New inputs arrive for "changed" while its old inputs are being scored.
    await pushRecord('changed', { x: [[3, 4]] });

    const written = await runs.writeOutcomes(endpointId, scoredHashes, [scoredOutcome(VERSION_A), scoredOutcome(VERSION_A)]);
    expect(written).toEqual({ scored: 1, failed: 0 });
    expect(await recordOf('kept')).toMatchObject({ status: 'scored', versionId: VERSION_A, prediction: { y: [[1]] }, error: null });
    const changed = await recordOf('changed');
    expect(changed).toMatchObject({ status: 'pending', prediction: null, scoredAt: null, inputs: { x: [[3, 4]] } });
  });

  it('never writes an outcome twice: a retried chunk finds its records already scored', async () => {
    await pushRecord('once', { x: [[1]] });
    await pushRecord('bad', { x: 'nope' });
    const chunk = [
      { key: 'once', inputs_hash: (await recordOf('once')).inputsHash },
      { key: 'bad', inputs_hash: (await recordOf('bad')).inputsHash },
    ];
    const outcomes = [scoredOutcome(VERSION_A), { ok: false as const, error: 'input "x" expects float32 [N,4]; got "nope"', versionId: VERSION_A }];
    expect(await runs.writeOutcomes(endpointId, chunk, outcomes)).toEqual({ scored: 1, failed: 1 });
    const first = await recordOf('once');
    expect(await recordOf('bad')).toMatchObject({ status: 'failed', error: 'input "x" expects float32 [N,4]; got "nope"', prediction: null });

    expect(await runs.writeOutcomes(endpointId, chunk, [scoredOutcome(VERSION_B), scoredOutcome(VERSION_B)])).toEqual({ scored: 0, failed: 0 });
    const second = await recordOf('once');
    expect(second.scoredAt).toEqual(first.scoredAt);
    expect(second.versionId).toBe(VERSION_A);
    expect((await recordOf('bad')).status).toBe('failed');
  });
});

describe('starting a run', () => {
  const stateOf = (jobId: string) => queue.getJobState(jobId);

  it("closes the run its own job's dead worker left running, and starts a new one", async () => {
    const left = await db.scheduleRun.create({ data: { endpointId, trigger: 'manual', jobId: 'manual-1', scored: 3 } });
    const start = await runs.start({ endpointId, trigger: 'manual', jobId: 'manual-1' }, stateOf);
    expect(start.kind).toBe('started');
    expect(await db.scheduleRun.findUniqueOrThrow({ where: { id: left.id } })).toMatchObject({
      status: 'failed',
      error: 'its worker stopped before it finished; job manual-1 was retried and scores the records still pending',
      scored: 3,
    });
    expect(start.kind === 'started' && start.run).toMatchObject({ status: 'running', jobId: 'manual-1', trigger: 'manual' });
  });

  it("waits while another job is active on the endpoint, and closes that job's run once the job is gone", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const worker = new Worker('records-scoring', () => held, { connection: infrastructure.redis, prefix });
    try {
      await queue.add('score-records', {}, { jobId: 'manual-busy' });
      await expect.poll(() => queue.getJobState('manual-busy'), { timeout: 10_000 }).toBe('active');
      const other = await db.scheduleRun.create({ data: { endpointId, trigger: 'manual', jobId: 'manual-busy' } });

      expect(await runs.start({ endpointId, trigger: 'schedule', jobId: 'repeat-1' }, stateOf)).toEqual({ kind: 'no-schedule' });
      await db.scoringSchedule.create({ data: { endpointId, cron: '* * * * *' } });
      expect(await runs.start({ endpointId, trigger: 'schedule', jobId: 'repeat-1' }, stateOf)).toEqual({ kind: 'busy', runId: other.id });
      expect(await db.scheduleRun.count({ where: { status: 'running' } })).toBe(1);

      release();
      await expect.poll(() => queue.getJobState('manual-busy'), { timeout: 10_000 }).toBe('completed');
      const start = await runs.start({ endpointId, trigger: 'schedule', jobId: 'repeat-2' }, stateOf);
      expect(start.kind).toBe('started');
      expect(await db.scheduleRun.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({
        status: 'failed',
        error: 'abandoned: no worker is running it any more (its job manual-busy is completed); a later run scored the records still pending',
      });
    } finally {
      release();
      await worker.close();
      await db.scoringSchedule.deleteMany({});
    }
  });

  it(`keeps the newest ${RUNS_KEPT} runs of an endpoint`, async () => {
    const old = Date.now() - 86_400_000;
    await db.scheduleRun.createMany({
      data: Array.from({ length: RUNS_KEPT + 5 }, (_, index) => ({ endpointId, trigger: 'schedule' as const, status: 'succeeded' as const, startedAt: new Date(old + index * 1000) })),
    });
    const start = await runs.start({ endpointId, trigger: 'manual', jobId: 'manual-prune' }, stateOf);
    if (start.kind !== 'started') throw new Error(`not started: ${start.kind}`);
    expect(await runs.score(start.run, 'inbox', 100)).toEqual({ scored: 0, failed: 0 });
    const kept = await db.scheduleRun.findMany({ where: { endpointId }, orderBy: { startedAt: 'asc' } });
    expect(kept).toHaveLength(RUNS_KEPT);
    // The six oldest went: the newest run (this one) and the most recent history stay.
    expect(kept[0]!.startedAt.getTime()).toBe(old + 6 * 1000);
    expect(kept.at(-1)).toMatchObject({ id: start.run.id, status: 'succeeded' });
  });

  it('makes every record pending once when the routing changed since the last rescore, not for a shadow-only change', async () => {
    await db.scoringSchedule.create({ data: { endpointId, cron: '0 0 1 1 *', rescoreOnPromote: true, rescoredRevision: 1 } });
    try {
      for (const key of ['r1', 'r2', 'r3']) await pushRecord(key, { x: [[1]] });
      const chunk = await Promise.all(['r1', 'r2'].map(async (key) => ({ key, inputs_hash: (await recordOf(key)).inputsHash })));
      await runs.writeOutcomes(endpointId, chunk, [scoredOutcome(VERSION_A), { ok: false, error: 'bad', versionId: VERSION_A }]);

      // A shadow added: predictions cannot change, so nothing is rescored (a promotion job skips).
      await deploy(1, [{ versionId: VERSION_A, weight: 100 }], [{ versionId: VERSION_B, percent: 10 }]);
      expect(await runs.start({ endpointId, trigger: 'promotion', jobId: 'promotion-2', revision: 2 }, stateOf)).toEqual({ kind: 'nothing-to-rescore' });
      expect((await recordOf('r1')).status).toBe('scored');
      expect((await db.scoringSchedule.findUniqueOrThrow({ where: { endpointId } })).rescoredRevision).toBe(2);

      // Promoted: the scored and the failed record are pending again, once; the prediction stays until rescored.
      await deploy(2, [{ versionId: VERSION_B, weight: 100 }]);
      const start = await runs.start({ endpointId, trigger: 'promotion', jobId: 'promotion-3', revision: 3 }, stateOf);
      expect(start).toMatchObject({ kind: 'started', rescored: 2, run: { trigger: 'promotion', revision: 3 } });
      expect(await recordOf('r1')).toMatchObject({ status: 'pending', prediction: { y: [[1]] }, versionId: VERSION_A });
      expect((await recordOf('r2')).status).toBe('pending');
      await db.scheduleRun.updateMany({ data: { status: 'succeeded' } });

      // The same promotion heard again (another worker, a re-sent event): nothing more to do.
      expect(await runs.start({ endpointId, trigger: 'promotion', jobId: 'promotion-3-again', revision: 3 }, stateOf)).toEqual({ kind: 'nothing-to-rescore' });
      // A scheduled run afterwards does not rescore again either.
      const scheduled = await runs.start({ endpointId, trigger: 'schedule', jobId: 'repeat-3' }, stateOf);
      expect(scheduled).toMatchObject({ kind: 'started', rescored: 0, run: { revision: null } });
    } finally {
      await db.scoringSchedule.deleteMany({});
    }
  });
});
