import { Channel, type InboxRecord, type RecordList, type Schedule, type ScheduleRun } from '@modelgate/contracts';
import { buildGemmModel, defaultGemmParameters } from '@modelgate/runtime/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelForm } from '../test-support/http.js';
import { createApiKey } from '../test-support/principals.js';
import { bearer, startTestStack, type TestStack } from '../test-support/test-stack.js';

/**
 * The records inbox on the real stack (API in-process, worker as its own process, PostgreSQL,
 * Redis, onnxruntime): idempotent pushes, runs that score only what is pending (by hand, from a
 * real cron firing, after a promotion), bad records failing alone, and the run history.
 */
let stack: TestStack;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const { weights } = defaultGemmParameters(4, 2);
const BIAS = { 1: [0.5, -0.25], 2: [5, -5] } as const;

/** What version `version` of the test model answers for one row x. */
const expectedY = (x: number[], version: 1 | 2) => [0, 1].map((column) => x.reduce((sum, value, row) => sum + value * weights[row]![column]!, BIAS[version][column]!));
const features = (index: number) => [index % 7, (index % 5) / 2, index % 3, 1];
const record = (key: string, x: number[]) => ({ key, inputs: { x: [x] } });

const push = (endpoint: string, records: unknown[], headers: Record<string, string> = {}) => stack.api('POST', `/v1/endpoints/${endpoint}/records`, { records }, headers);
const getRecord = async (endpoint: string, key: string) => {
  const response = await stack.api<InboxRecord>('GET', `/v1/endpoints/${endpoint}/records/${encodeURIComponent(key)}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
};

function expectPrediction(found: InboxRecord, x: number[], version: 1 | 2) {
  expect(found).toMatchObject({ status: 'scored', model: 'inbox-model', version, error: null });
  const [y] = found.prediction!.y as number[][];
  expectedY(x, version).forEach((value, column) => expect(y![column]).toBeCloseTo(value, 4));
}

/** Asks for a run by hand and waits for it to finish; returns it as the history shows it. */
async function runNow(endpoint: string, headers: Record<string, string> = {}): Promise<ScheduleRun> {
  const accepted = await stack.api('POST', `/v1/endpoints/${endpoint}/records/score`, undefined, headers);
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
  expect(accepted.body.statusUrl).toBe(`/v1/endpoints/${endpoint}/schedule`);
  const jobId = accepted.body.jobId as string;
  let runId: string | undefined;
  await expect
    .poll(async () => {
      const row = await stack.db.scheduleRun.findFirst({ where: { jobId, status: { not: 'running' } } });
      runId = row?.id;
      return row?.status;
    }, { timeout: 30_000, interval: 100 })
    .toBeDefined();
  return runOf(endpoint, runId!);
}

async function runOf(endpoint: string, id: string): Promise<ScheduleRun> {
  const schedule = (await stack.api<Schedule>('GET', `/v1/endpoints/${endpoint}/schedule`)).body;
  const run = schedule.runs.find((each) => each.id === id);
  if (!run) throw new Error(`run ${id} is not in the history of "${endpoint}": ${JSON.stringify(schedule.runs)}`);
  return run;
}

async function deployedEndpoint(name: string, version: 1 | 2 = 1) {
  expect((await stack.api('POST', '/v1/endpoints', { name })).status).toBe(201);
  expect((await stack.api('POST', `/v1/endpoints/${name}/promote`, { model: 'inbox-model', version, expectedRevision: 0 })).status).toBe(200);
}

beforeAll(async () => {
  stack = await startTestStack();
  for (const bias of [BIAS[1], BIAS[2]]) {
    const uploaded = await stack.api('POST', '/v1/models/inbox-model/versions', modelForm(buildGemmModel({ inFeatures: 4, outFeatures: 2, weights, bias: [...bias] })));
    expect(uploaded.status).toBe(201);
  }
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('pushing records', () => {
  it('is idempotent by key: the same inputs change nothing, new inputs make the record pending and rescored', async () => {
    await deployedEndpoint('inbox');
    const first = [record('k1', features(1)), record('k2', features(2)), record('k3', features(3))];
    expect((await push('inbox', first)).body).toEqual({ created: 3, updated: 0, unchanged: 0 });
    const received = (await getRecord('inbox', 'k1')).receivedAt;

    // The same records again, in another order and spelled differently (spacing, 1 vs 1.0 aside): unchanged.
    const again = await stack.api('POST', '/v1/endpoints/inbox/records', `{"records":[ ${[first[2], first[0], first[1]].map((each) => JSON.stringify(each)).join(' ,\n ')} ]}`);
    expect(again.body).toEqual({ created: 0, updated: 0, unchanged: 3 });
    expect(await stack.db.inboxRecord.count({ where: { endpoint: { name: 'inbox' } } })).toBe(3);
    expect((await getRecord('inbox', 'k1')).receivedAt).toBe(received);

    const run = await runNow('inbox');
    expect(run).toMatchObject({ trigger: 'manual', status: 'succeeded', scored: 3, failed: 0, error: null, requestedBy: 'admin@modelgate.test' });
    for (const index of [1, 2, 3]) expectPrediction(await getRecord('inbox', `k${index}`), features(index), 1);
    const scoredBefore = await Promise.all([1, 2, 3].map(async (index) => (await getRecord('inbox', `k${index}`)).scoredAt));

    // k1 the same (even though already scored), k2 with new inputs, k4 new.
    const changed = await push('inbox', [record('k1', features(1)), record('k2', features(20)), record('k4', features(4))]);
    expect(changed.body).toEqual({ created: 1, updated: 1, unchanged: 1 });
    expect(await getRecord('inbox', 'k2')).toMatchObject({ status: 'pending', prediction: null, model: null, version: null, scoredAt: null, inputs: { x: [features(20)] } });
    expect(await getRecord('inbox', 'k1')).toMatchObject({ status: 'scored', scoredAt: scoredBefore[0] });

    // The next run scores exactly the two pending records; k1 and k3 are not touched.
    expect(await runNow('inbox')).toMatchObject({ status: 'succeeded', scored: 2, failed: 0 });
    expectPrediction(await getRecord('inbox', 'k2'), features(20), 1);
    expectPrediction(await getRecord('inbox', 'k4'), features(4), 1);
    expect((await getRecord('inbox', 'k1')).scoredAt).toBe(scoredBefore[0]);
    expect((await getRecord('inbox', 'k3')).scoredAt).toBe(scoredBefore[2]);
    expect((await getRecord('inbox', 'k2')).scoredAt! > scoredBefore[1]!).toBe(true);

    // A run with nothing pending scores nothing and changes nothing.
    const k4ScoredAt = (await getRecord('inbox', 'k4')).scoredAt;
    expect(await runNow('inbox')).toMatchObject({ status: 'succeeded', scored: 0, failed: 0 });
    expect((await getRecord('inbox', 'k4')).scoredAt).toBe(k4ScoredAt);
  });

  it('lists records by status in key order, page by page, with the counts per status', async () => {
    expect((await push('inbox', [record('k5', features(5)), record('k6', features(6))])).body).toEqual({ created: 2, updated: 0, unchanged: 0 });
    const first = (await stack.api<RecordList>('GET', '/v1/endpoints/inbox/records?status=scored&limit=3')).body;
    expect(first.counts).toEqual({ pending: 2, scored: 4, failed: 0 });
    expect(first.items.map((item) => item.key)).toEqual(['k1', 'k2', 'k3']);
    expect(first.nextCursor).toBe('k3');
    const second = (await stack.api<RecordList>('GET', `/v1/endpoints/inbox/records?status=scored&limit=3&cursor=${first.nextCursor}`)).body;
    expect(second.items.map((item) => item.key)).toEqual(['k4']);
    expect(second.nextCursor).toBeNull();
    const pending = (await stack.api<RecordList>('GET', '/v1/endpoints/inbox/records?status=pending')).body;
    expect(pending.items.map((item) => [item.key, item.status, item.prediction])).toEqual([
      ['k5', 'pending', null],
      ['k6', 'pending', null],
    ]);

    const missing = await stack.api('GET', '/v1/endpoints/inbox/records/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe('endpoint "inbox" has no record with key "nope": push it with POST /v1/endpoints/inbox/records');
    expect((await stack.api('GET', '/v1/endpoints/inbox/records?status=done')).status).toBe(400);
  });

  it('refuses bad pushes with a 400 that names the record, storing nothing', async () => {
    const notObject = await push('inbox', [{ key: 'a', inputs: [[1, 2, 3, 4]] }]);
    expect(notObject.status).toBe(400);
    expect(notObject.body.detail).toContain('body.records.0.inputs: inputs must be an object keyed by input name');

    const misnamed = await push('inbox', [record('fine', features(1)), { key: 'typo', inputs: { features: [features(1)] } }]);
    expect(misnamed.status).toBe(400);
    expect(misnamed.body.detail).toContain('body.records.1.inputs.features: unknown input "features" in record "typo" (inbox-model@v1 expects: x)');
    expect(misnamed.body.errors).toEqual([{ path: 'body.records.1.inputs.features', message: 'unknown input "features" in record "typo" (inbox-model@v1 expects: x)' }]);

    const twice = await push('inbox', [record('dup', features(1)), record('dup', features(2))]);
    expect(twice.status).toBe(400);
    expect(twice.body.detail).toContain('key "dup" is also records[0]: send each key once per request');

    const tooMany = await push('inbox', Array.from({ length: 10_001 }, (_, index) => record(`m${index}`, features(index))));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.detail).toContain('send at most 10,000 records per request');

    // PostgreSQL cannot store U+0000; the text "\u0000" itself is just text.
    const nul = await push('inbox', [record('nul\u0000key', features(1)), { key: 'nul-inputs', inputs: { x: [[1, 2, 3, '\u0000']] } }, { key: 'text', inputs: { x: '\\u0000' } }]);
    expect(nul.status).toBe(400);
    expect(nul.body.errors).toEqual([
      { path: 'body.records.0', message: 'record "nul\\u0000key" contains the character U+0000, which cannot be stored: remove it' },
      { path: 'body.records.1', message: 'record "nul-inputs" contains the character U+0000, which cannot be stored: remove it' },
    ]);
    expect(await stack.db.inboxRecord.count({ where: { key: { in: ['fine', 'typo', 'dup', 'a', 'm0', 'nul-inputs', 'text'] } } })).toBe(0);
    const unknown = await push('nowhere', [record('a', features(1))]);
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toBe('endpoint "nowhere" does not exist');
  });

  it('takes 10,000 records in one request and scores them all in one run, chunk by chunk, one run at a time', async () => {
    await deployedEndpoint('bulk');
    const records = Array.from({ length: 10_000 }, (_, index) => record(`row-${String(index).padStart(5, '0')}`, features(index)));
    const started = Date.now();
    const pushed = await push('bulk', records);
    const pushMs = Date.now() - started;
    expect(pushed.status).toBe(200);
    expect(pushed.body).toEqual({ created: 10_000, updated: 0, unchanged: 0 });
    console.info(`10,000 records (${(JSON.stringify({ records }).length / 1024).toFixed(0)} KiB of JSON) pushed in ${pushMs} ms`);
    expect((await push('bulk', records)).body).toEqual({ created: 0, updated: 0, unchanged: 10_000 });

    // Two runs asked for at once: they never overlap (the second waits, then finds nothing pending).
    const [one, two] = await Promise.all([runNow('bulk'), runNow('bulk')]);
    const [first, second] = [one, two].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    expect(first).toMatchObject({ status: 'succeeded', scored: 10_000, failed: 0 });
    expect(second).toMatchObject({ status: 'succeeded', scored: 0, failed: 0 });
    expect(second!.startedAt >= first!.finishedAt!).toBe(true);
    const list = (await stack.api<RecordList>('GET', '/v1/endpoints/bulk/records?limit=1')).body;
    expect(list.counts).toEqual({ pending: 0, scored: 10_000, failed: 0 });
    expectPrediction(await getRecord('bulk', 'row-09999'), features(9999), 1);
    expectPrediction(await getRecord('bulk', 'row-00000'), features(0), 1);
  }, 120_000);

  it('lets an application key scoped to the endpoint push records and ask for a run', async () => {
    const key = (await createApiKey(stack, { name: 'inbox app', scopes: { predict: ['inbox'], read: true } })).secret;
    // Any string is a key, "/" and spaces included (URL-encoded in the path).
    expect((await push('inbox', [record('app/order 1', features(8))], bearer(key))).body).toEqual({ created: 1, updated: 0, unchanged: 0 });
    const run = await runNow('inbox', bearer(key));
    expect(run.requestedBy).toMatch(/^api key "inbox app" \(mgk_/);
    expectPrediction(await getRecord('inbox', 'app/order 1'), features(8), 1);
    expect((await push('bulk', [record('app/order 1', features(8))], bearer(key))).status).toBe(403);
  });
});

describe('scoring runs', () => {
  it('fail a bad record alone, with its reason, while the others score', async () => {
    // Pushed before the endpoint is deployed, input names cannot be checked up front: each is
    // judged when scored, against the version that scores it.
    expect((await stack.api('POST', '/v1/endpoints', { name: 'mixed' })).status).toBe(201);
    const good = [record('a-good', features(1)), record('d-good', features(2)), record('f-good', features(3))];
    const bad = [
      { key: 'b-short', inputs: { x: [[1, 2, 3]] } },
      { key: 'c-text', inputs: { x: [[1, 'two', 3, 4]] } },
      { key: 'e-missing', inputs: { features: [features(1)] } },
    ];
    expect((await push('mixed', [...good, ...bad])).body).toEqual({ created: 6, updated: 0, unchanged: 0 });

    // A run while nothing is deployed fails as a whole, saying why, and is not retried (it would
    // not help); every record stays pending.
    const undeployed = await runNow('mixed');
    expect(undeployed).toMatchObject({
      status: 'failed',
      scored: 0,
      failed: 0,
      error: 'endpoint "mixed" has no deployed version: promote one (POST /v1/endpoints/mixed/promote); its records stay pending',
    });
    expect((await stack.api<RecordList>('GET', '/v1/endpoints/mixed/records')).body.counts).toEqual({ pending: 6, scored: 0, failed: 0 });
    await sleep(3000);
    expect(await stack.db.scheduleRun.count({ where: { endpoint: { name: 'mixed' } } })).toBe(1);

    expect((await stack.api('POST', '/v1/endpoints/mixed/promote', { model: 'inbox-model', version: 1, expectedRevision: 0 })).status).toBe(200);
    expect(await runNow('mixed')).toMatchObject({ status: 'succeeded', scored: 3, failed: 3 });
    for (const [index, each] of good.entries()) expectPrediction(await getRecord('mixed', each.key), features(index + 1), 1);
    expect(await getRecord('mixed', 'b-short')).toMatchObject({ status: 'failed', prediction: null, error: 'input "x" expects float32 [N,4]; got [1,3]', model: 'inbox-model', version: 1 });
    expect((await getRecord('mixed', 'c-text')).error).toMatch(/^input "x" expects float32 numbers; got "two" at \[0\]\[1\]/);
    expect((await getRecord('mixed', 'e-missing')).error).toBe('unknown input "features" (the model expects: x)');
    const failed = (await stack.api<RecordList>('GET', '/v1/endpoints/mixed/records?status=failed')).body;
    expect(failed.items.map((item) => item.key)).toEqual(['b-short', 'c-text', 'e-missing']);
    expect(failed.counts).toEqual({ pending: 0, scored: 3, failed: 3 });

    // Failed records are not retried with the same inputs; corrected inputs make them pending again.
    expect(await runNow('mixed')).toMatchObject({ scored: 0, failed: 0 });
    expect((await push('mixed', [record('b-short', features(9))])).body).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(await runNow('mixed')).toMatchObject({ scored: 1, failed: 0 });
    expectPrediction(await getRecord('mixed', 'b-short'), features(9), 1);
  });

  it('close a run a dead worker left running when the next run starts', async () => {
    const endpoint = await stack.db.endpoint.findUniqueOrThrow({ where: { name: 'inbox' } });
    const left = await stack.db.scheduleRun.create({ data: { endpointId: endpoint.id, trigger: 'schedule', jobId: 'repeat-records-gone-1', scored: 7 } });
    await runNow('inbox');
    expect(await runOf('inbox', left.id)).toMatchObject({
      status: 'failed',
      scored: 7,
      error: 'abandoned: no worker is running it any more (its job repeat-records-gone-1 is unknown); a later run scored the records still pending',
    });
  });
});

describe('the schedule', () => {
  it('refuses a cron expression or time zone it cannot use, saying what is expected', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ cron: '61 * * * *' }, /^cron "61 \* \* \* \*" is not valid \(Constraint error, got value 61 expected range 0-59\): expected five fields/],
      [{ cron: '* * *' }, /^cron "\* \* \*" has 3 field\(s\): expected five fields "minute hour day-of-month month day-of-week" \(e\.g\. "0 3 \* \* \*"/],
      [{ cron: '0 0 30 2 *' }, /^cron "0 0 30 2 \*" is not valid/],
      [{ cron: '0 3 * * *', timezone: 'Mars/Olympus' }, /^timezone "Mars\/Olympus" is not a time zone: use an IANA name such as "UTC"/],
      [{ cron: '0 3 * * *', every: 5 }, /body: Unrecognized key: "every"/],
    ];
    for (const [body, detail] of cases) {
      const response = await stack.api('PUT', '/v1/endpoints/inbox/schedule', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.detail).toMatch(detail);
    }
    expect(await stack.db.scoringSchedule.count()).toBe(0);
  });

  it('is set, shown with its next runs, audited, and deleted', async () => {
    const put = await stack.api<Schedule>('PUT', '/v1/endpoints/inbox/schedule', { cron: '30 2 * * *', timezone: 'Europe/Paris' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ endpoint: 'inbox', cron: '30 2 * * *', timezone: 'Europe/Paris', rescoreOnPromote: false, updatedBy: 'admin@modelgate.test' });
    expect(put.body.nextRuns).toHaveLength(5);
    // 02:30 in Paris is 00:30 or 01:30 UTC (summer or winter time), one day apart each.
    for (const next of put.body.nextRuns) expect(next).toMatch(/T0[01]:30:00\.000Z$/);
    expect(new Date(put.body.nextRuns[1]!).getTime() - new Date(put.body.nextRuns[0]!).getTime()).toBeGreaterThanOrEqual(23 * 3600_000);
    expect(put.body.runs.length).toBeGreaterThan(0);

    const queue = new Queue('records-scoring', { connection: stack.redis, prefix: stack.config.MODELGATE_REDIS_PREFIX });
    try {
      const endpoint = await stack.db.endpoint.findUniqueOrThrow({ where: { name: 'inbox' } });
      expect(await queue.getJobScheduler(`records-${endpoint.id}`)).toMatchObject({ pattern: '30 2 * * *', tz: 'Europe/Paris' });
      const changed = await stack.api<Schedule>('PUT', '/v1/endpoints/inbox/schedule', { cron: '0 * * * *' });
      expect(changed.body).toMatchObject({ cron: '0 * * * *', timezone: 'UTC' });
      expect(await queue.getJobScheduler(`records-${endpoint.id}`)).toMatchObject({ pattern: '0 * * * *', tz: 'UTC' });

      const deleted = await stack.api<Schedule>('DELETE', '/v1/endpoints/inbox/schedule');
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ cron: null, timezone: null, nextRuns: [] });
      expect(await queue.getJobScheduler(`records-${endpoint.id}`)).toBeUndefined();
      expect((await stack.api('DELETE', '/v1/endpoints/inbox/schedule')).status).toBe(404);
    } finally {
      await queue.close();
    }

    const audit = (await stack.api('GET', '/v1/audit?action=endpoint.schedule.*&target=inbox')).body.items as Array<{ action: string; before: unknown; after: unknown }>;
    expect(audit.map((event) => [event.action, event.before, event.after])).toEqual([
      ['endpoint.schedule.delete', { cron: '0 * * * *', timezone: 'UTC', rescoreOnPromote: false }, null],
      ['endpoint.schedule.update', { cron: '30 2 * * *', timezone: 'Europe/Paris', rescoreOnPromote: false }, { cron: '0 * * * *', timezone: 'UTC', rescoreOnPromote: false }],
      ['endpoint.schedule.update', null, { cron: '30 2 * * *', timezone: 'Europe/Paris', rescoreOnPromote: false }],
    ]);
  });

  it('fires from its cron (a per-second pattern here) and each firing scores only what is pending', async () => {
    await deployedEndpoint('ticking');
    expect((await push('ticking', [0, 1, 2, 3, 4].map((index) => record(`t${index}`, features(index))))).body.created).toBe(5);
    const put = await stack.api<Schedule>('PUT', '/v1/endpoints/ticking/schedule', { cron: '*/1 * * * * *' });
    expect(put.status).toBe(200);
    expect(new Date(put.body.nextRuns[1]!).getTime() - new Date(put.body.nextRuns[0]!).getTime()).toBe(1000);

    const scheduledRuns = () => stack.db.scheduleRun.findMany({ where: { endpoint: { name: 'ticking' }, trigger: 'schedule' }, orderBy: { startedAt: 'asc' } });
    await expect.poll(async () => (await scheduledRuns()).find((run) => run.scored > 0 && run.status === 'succeeded')?.scored, { timeout: 15_000 }).toBe(5);
    const firstScores = await Promise.all([0, 1, 2, 3, 4].map(async (index) => (await getRecord('ticking', `t${index}`)).scoredAt));
    for (const index of [0, 1, 2, 3, 4]) expectPrediction(await getRecord('ticking', `t${index}`), features(index), 1);

    expect((await push('ticking', [record('t5', features(5)), record('t6', features(6))])).body.created).toBe(2);
    await expect.poll(async () => (await getRecord('ticking', 't6')).status, { timeout: 15_000 }).toBe('scored');
    const runs = await scheduledRuns();
    // Every firing ran on its own: several runs, each either scoring what was pending or nothing.
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.reduce((sum, run) => sum + run.scored, 0)).toBe(7);
    expect(runs.every((run) => run.status !== 'failed')).toBe(true);
    expect(await Promise.all([0, 1, 2, 3, 4].map(async (index) => (await getRecord('ticking', `t${index}`)).scoredAt))).toEqual(firstScores);

    // The history shows the scheduled runs, newest first, each with its counts and times.
    const history = (await stack.api<Schedule>('GET', '/v1/endpoints/ticking/schedule')).body.runs;
    expect(history.every((run) => run.trigger === 'schedule')).toBe(true);
    expect(history.map((run) => run.startedAt)).toEqual([...history.map((run) => run.startedAt)].sort().reverse());
    for (const run of history.filter((each) => each.status === 'succeeded')) expect(run.finishedAt! >= run.startedAt).toBe(true);

    expect((await stack.api('DELETE', '/v1/endpoints/ticking/schedule')).status).toBe(200);
    await sleep(1500);
    const settled = (await scheduledRuns()).length;
    await sleep(2000);
    expect((await scheduledRuns()).length).toBe(settled);
  }, 60_000);

  it('rescores every record once after a promotion when rescoreOnPromote is set', async () => {
    await deployedEndpoint('promoted');
    const keys = ['p0', 'p1', 'p2', 'p3'];
    expect((await push('promoted', keys.map((key, index) => record(key, features(index))))).body.created).toBe(4);
    expect((await stack.api('PUT', '/v1/endpoints/promoted/schedule', { cron: '0 0 1 1 *', rescoreOnPromote: true })).status).toBe(200);
    expect(await runNow('promoted')).toMatchObject({ scored: 4 });
    const before = await Promise.all(keys.map((key) => getRecord('promoted', key)));
    keys.forEach((_, index) => expectPrediction(before[index]!, features(index), 1));

    expect((await stack.api('POST', '/v1/endpoints/promoted/promote', { model: 'inbox-model', version: 2, expectedRevision: 1 })).status).toBe(200);
    const promotionRuns = () => stack.db.scheduleRun.findMany({ where: { endpoint: { name: 'promoted' }, trigger: 'promotion' } });
    await expect.poll(async () => (await promotionRuns()).map((run) => [run.status, run.scored, run.revision]), { timeout: 15_000 }).toEqual([['succeeded', 4, 2]]);
    for (const [index, key] of keys.entries()) {
      const after = await getRecord('promoted', key);
      expectPrediction(after, features(index), 2);
      expect(after.scoredAt! > before[index]!.scoredAt!).toBe(true);
    }

    // The same revision announced again (a settings change, a re-sent event): no second rescore.
    expect((await stack.api('PATCH', '/v1/endpoints/promoted', { timeoutMs: 20_000 })).status).toBe(200);
    await stack.redis.publish(`${stack.config.MODELGATE_REDIS_PREFIX}:${Channel.deployments}`, JSON.stringify({ endpoint: 'promoted', revision: 2, versionIds: [] }));
    await sleep(1500);
    expect(await promotionRuns()).toHaveLength(1);
    expect((await stack.api<RecordList>('GET', '/v1/endpoints/promoted/records')).body.counts).toEqual({ pending: 0, scored: 4, failed: 0 });

    // Without rescoreOnPromote, a rollback changes routing but nothing is rescored.
    expect((await stack.api('PUT', '/v1/endpoints/promoted/schedule', { cron: '0 0 1 1 *', rescoreOnPromote: false })).status).toBe(200);
    expect((await stack.api('POST', '/v1/endpoints/promoted/rollback', { expectedRevision: 2 })).status).toBe(200);
    await sleep(1500);
    expect(await promotionRuns()).toHaveLength(1);
    expect((await getRecord('promoted', 'p0')).version).toBe(2);
  }, 60_000);
});
