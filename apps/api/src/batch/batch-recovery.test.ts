import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { QueueFamily, type BatchJob } from '@modelgate/contracts';
import { createDatabase, writeBatchChunkResults } from '@modelgate/db';
import { buildGemmModel } from '@modelgate/runtime/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelForm } from '../test-support/http.js';
import { bearer, startTestStack, type TestStack } from '../test-support/test-stack.js';

/**
 * Batch jobs whose queue jobs Redis lost: with the worker stopped, two jobs are submitted, the
 * first chunk of one is written, and the `batch` queue is emptied (as a Redis restarted without
 * persistence would leave it). A worker then finds both: the job whose file is there is queued
 * again and finishes with every row once (the chunk written before is kept, not counted twice);
 * the job whose file is gone fails, saying so, and leaves nothing on disk.
 */
const ROWS = 3000;
let stack: TestStack;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  stack = await startTestStack({ MODELGATE_BATCH_RECOVERY_MS: '300' });
  worker = stack.worker;
  expect((await stack.api('POST', '/v1/models/recovered/versions', modelForm(buildGemmModel({ inFeatures: 2, outFeatures: 1 })))).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** The worker scoring now: the stack's own at first, then the one a test starts. */
let worker: ChildProcess;

async function stopWorker(): Promise<void> {
  worker.kill('SIGTERM');
  await new Promise((resolve) => (worker.exitCode !== null || worker.signalCode !== null ? resolve(null) : worker.once('exit', resolve)));
}

async function submit(fileName: string, csv: string): Promise<BatchJob> {
  const form = new FormData();
  form.set('spec', JSON.stringify({ model: 'recovered', version: 1, chunkSize: 500 }));
  form.set('file', new Blob([csv], { type: 'text/csv' }), fileName);
  const response = await stack.api('POST', '/v1/batch-jobs', form, bearer(stack.adminToken));
  expect(response.status).toBe(201);
  return response.body as BatchJob;
}

async function settled(id: string): Promise<BatchJob> {
  const until = Date.now() + 40_000;
  for (;;) {
    const job = (await stack.api('GET', `/v1/batch-jobs/${id}`)).body as BatchJob;
    if (job.status !== 'queued' && job.status !== 'running') return job;
    if (Date.now() > until) throw new Error(`batch job ${id} is still ${job.status} (${job.progress.rowsDone} of ${job.progress.totalRows} rows)`);
    await sleep(100);
  }
}

describe('batch jobs whose queue jobs Redis lost', () => {
  it('are queued again and finish with every row once; one whose file is gone fails, saying so', async () => {
    // The worker stops first, so nothing of either job is scored before the queue is emptied.
    await stopWorker();

    const csv = ['a,b', ...Array.from({ length: ROWS }, (_, row) => `${row},1`)].join('\n');
    const kept = await submit('kept.csv', csv);
    const lost = await submit('lost.csv', csv);
    const queue = new Queue(QueueFamily.batch, { connection: { url: stack.config.REDIS_URL }, prefix: stack.config.MODELGATE_REDIS_PREFIX });
    try {
      expect(await queue.getJob(kept.id)).toBeDefined();
      await queue.obliterate({ force: true });
      expect(await queue.getJob(kept.id)).toBeUndefined();
    } finally {
      await queue.close();
    }
    // Its first chunk was written before Redis lost the queue (as by a worker that was scoring it).
    const database = createDatabase(stack.config.DATABASE_URL);
    try {
      const firstChunk = Array.from({ length: 500 }, (_, row) => ({ row, line: row + 2, versionId: null, outputsJson: '{"y":[-1]}', error: null }));
      expect(await writeBatchChunkResults(database.pool, kept.id, firstChunk)).toMatchObject({ rowsDone: 500, written: 500 });
    } finally {
      await database.close();
    }
    const lostDirectory = path.join(stack.config.MODELGATE_DATA_DIR, 'batch', lost.id);
    await fs.rm(path.join(lostDirectory, 'input.csv'));

    worker = (await stack.startWorker()).process;
    const [recovered, failed] = await Promise.all([settled(kept.id), settled(lost.id)]);
    expect(recovered).toMatchObject({ status: 'succeeded', progress: { totalRows: ROWS, rowsDone: ROWS, rowsFailed: 0 } });
    const [stored] = await stack.db.$queryRaw<{ count: number; distinct_rows: number }[]>`
      SELECT count(*)::int AS count, count(DISTINCT "row")::int AS distinct_rows FROM batch_results WHERE job_id = ${kept.id}::uuid`;
    expect(stored).toEqual({ count: ROWS, distinct_rows: ROWS });
    // The rows written before stay as they were: their chunk, queued again, wrote and counted nothing.
    const [kept0, kept500] = await Promise.all([0, 500].map((row) => stack.db.batchResult.findUniqueOrThrow({ where: { jobId_row: { jobId: kept.id, row } } })));
    expect(kept0!.outputs).toEqual({ y: [-1] });
    expect(kept500!.outputs).not.toEqual({ y: [-1] });

    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/its queue job was lost .* its uploaded file can no longer be read \(input\.csv missing from .*\): submit the file again/);
    await expect(fs.access(lostDirectory)).rejects.toThrow();
  }, 60_000);

  it('a parent job that fails for good fails its batch job with the reason and removes its file', async () => {
    await stopWorker();
    const job = await submit('cut.csv', ['a,b', ...Array.from({ length: 1200 }, (_, row) => `${row},1`)].join('\n'));
    // The chunk index cut short: the parent cannot read it, however often it tries (3 times, 2 s and 4 s apart).
    const directory = path.join(stack.config.MODELGATE_DATA_DIR, 'batch', job.id);
    await fs.truncate(path.join(directory, 'chunks.idx'), 20);
    worker = (await stack.startWorker()).process;
    const ended = await settled(job.id);
    expect(ended.status).toBe('failed');
    expect(ended.error).toMatch(/^the batch job could not be run: the chunk index ends before entry/);
    await expect(fs.access(directory)).rejects.toThrow();
  }, 60_000);
});
