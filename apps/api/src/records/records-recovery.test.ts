import { buildGemmModel } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelForm } from '../test-support/http.js';
import { startTestStack, type TestStack } from '../test-support/test-stack.js';

/**
 * A worker killed (SIGKILL, a real process kill) in the middle of a records run: BullMQ hands the
 * job to another worker, which closes the dead run with the reason and scores only the records
 * still pending. Nothing is lost and nothing is scored twice.
 */
let stack: TestStack;
const RECORDS = 40_000;
const CHUNK = '100';

beforeAll(async () => {
  // Small chunks make the run long enough to be killed in the middle of it.
  stack = await startTestStack({ MODELGATE_RECORDS_CHUNK_SIZE: CHUNK });
  expect((await stack.api('POST', '/v1/models/recovered/versions', modelForm(buildGemmModel({ inFeatures: 4, outFeatures: 2, batchDim: 'N' })))).status).toBe(201);
  expect((await stack.api('POST', '/v1/endpoints', { name: 'recovered' })).status).toBe(201);
  expect((await stack.api('POST', '/v1/endpoints/recovered/promote', { model: 'recovered', version: 1, expectedRevision: 0 })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** Another worker process on the stack (its database, Redis prefix, data directory and chunk size). */
function startReplacementWorker() {
  return stack.startWorker();
}

describe('a records run whose worker is killed', () => {
  it('is taken over by another worker, which scores only what is still pending', async () => {
    for (let start = 0; start < RECORDS; start += 10_000) {
      const records = Array.from({ length: 10_000 }, (_, index) => ({ key: `r${String(start + index).padStart(6, '0')}`, inputs: { x: [[index % 9, 1, 2, 3]] } }));
      expect((await stack.api('POST', '/v1/endpoints/recovered/records', { records })).body.created).toBe(10_000);
    }
    const accepted = await stack.api('POST', '/v1/endpoints/recovered/records/score');
    expect(accepted.status).toBe(202);
    const jobId = accepted.body.jobId as string;
    const scored = () => stack.db.inboxRecord.count({ where: { endpoint: { name: 'recovered' }, status: 'scored' } });

    await expect.poll(scored, { timeout: 30_000, interval: 20 }).toBeGreaterThan(2_000);
    stack.worker.kill('SIGKILL');
    await new Promise((resolve) => (stack.worker.exitCode !== null || stack.worker.signalCode !== null ? resolve(null) : stack.worker.once('exit', resolve)));
    // A statement the dead worker had already sent still completes in PostgreSQL: let it land.
    let last = -1;
    const unchangedSinceLastLook = async () => {
      const now = await scored();
      const unchanged = now === last;
      last = now;
      return unchanged;
    };
    await expect.poll(unchangedSinceLastLook, { timeout: 10_000, interval: 500 }).toBe(true);
    // The kill landed mid-run: some records scored, not all, and the run still says running.
    const scoredByTheDead = await stack.db.inboxRecord.findMany({ where: { endpoint: { name: 'recovered' }, status: 'scored' }, select: { key: true, scoredAt: true } });
    expect(scoredByTheDead.length).toBeGreaterThan(0);
    expect(scoredByTheDead.length).toBeLessThan(RECORDS);
    const [dead] = await stack.db.scheduleRun.findMany({ where: { jobId } });
    expect(dead).toMatchObject({ status: 'running' });

    await startReplacementWorker();
    await expect.poll(() => stack.db.scheduleRun.count({ where: { jobId, status: 'succeeded' } }), { timeout: 90_000, interval: 250 }).toBe(1);

    const runs = await stack.db.scheduleRun.findMany({ where: { jobId }, orderBy: { startedAt: 'asc' } });
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({
      id: dead!.id,
      status: 'failed',
      error: `its worker stopped before it finished; job ${jobId} was retried and scores the records still pending`,
    });
    // The retry scored exactly the records the dead worker had not written: none twice, none lost.
    expect(runs[1]).toMatchObject({ status: 'succeeded', scored: RECORDS - scoredByTheDead.length, failed: 0 });
    expect(await scored()).toBe(RECORDS);
    const after = await stack.db.inboxRecord.findMany({ where: { key: { in: scoredByTheDead.map((record) => record.key) } }, select: { key: true, scoredAt: true } });
    const before = new Map(scoredByTheDead.map((record) => [record.key, record.scoredAt?.getTime()]));
    expect(after.filter((record) => record.scoredAt?.getTime() !== before.get(record.key))).toEqual([]);
  }, 180_000);
});
