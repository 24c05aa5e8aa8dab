import type { ChildProcess } from 'node:child_process';
import { QueueFamily, type BatchJob } from '@modelgate/contracts';
import { buildModel } from '@modelgate/runtime/testing';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelForm } from '../test-support/http.js';
import { bearer, startTestStack, type TestStack } from '../test-support/test-stack.js';

/**
 * Exactly-once results under a real crash: a worker process is killed with SIGKILL while it holds
 * a chunk, a replacement starts, and the job still ends with every row written once and counted
 * once. The lock is short here so BullMQ's stalled-job check hands the dead worker's chunk to
 * another worker within seconds (production defaults: 30 s).
 */
const BATCH_SETTINGS = { MODELGATE_BATCH_LOCK_MS: '2000', MODELGATE_BATCH_STALLED_CHECK_MS: '500', MODELGATE_BATCH_CONCURRENCY: '1' };
const ROWS = 20_000;
const CHUNK_SIZE = 1000;

let stack: TestStack;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A model slow enough that a chunk of 1000 rows takes a few hundred milliseconds on one core:
 * x[N,4] is widened to 1024 features and multiplied by a 1024 × 1024 identity 32 times, then
 * summed into y[N,2] (each y is the sum of the row's features).
 */
function slowModel(width = 1024, depth = 32): Uint8Array {
  const diagonal = (rows: number, columns: number) => Array.from({ length: rows * columns }, (_, index) => (Math.floor(index / columns) === index % columns ? 1 : 0));
  const nodes = [{ opType: 'MatMul', inputs: ['x', 'widen'], outputs: ['h0'] }];
  for (let layer = 0; layer < depth; layer++) nodes.push({ opType: 'MatMul', inputs: [`h${layer}`, 'identity'], outputs: [`h${layer + 1}`] });
  nodes.push({ opType: 'MatMul', inputs: [`h${depth}`, 'sum'], outputs: ['y'] });
  return buildModel({
    inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 4] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: ['N', 2] }],
    initializers: [
      { name: 'widen', dtype: 'float32', shape: [4, width], values: diagonal(4, width) },
      { name: 'identity', dtype: 'float32', shape: [width, width], values: diagonal(width, width) },
      { name: 'sum', dtype: 'float32', shape: [width, 2], values: Array.from({ length: width * 2 }, () => 1) },
    ],
    nodes,
  });
}

/** Another worker process on the stack (its database, Redis prefix, data directory and batch settings). */
async function startWorker(id: string): Promise<ChildProcess> {
  return (await stack.startWorker({ MODELGATE_WORKER_ID: id })).process;
}

beforeAll(async () => {
  stack = await startTestStack(BATCH_SETTINGS);
  expect((await stack.api('POST', '/v1/models/slow/versions', modelForm(slowModel()))).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a worker killed with SIGKILL in the middle of a chunk', () => {
  it('is replaced, and the job finishes with every row present once and counted once', async () => {
    const connection = { url: stack.config.REDIS_URL };
    const prefix = stack.config.MODELGATE_REDIS_PREFIX;
    const queue = new Queue(QueueFamily.batch, { connection, prefix });
    const events = new QueueEvents(QueueFamily.batch, { connection, prefix });
    await events.waitUntilReady();
    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));

    try {
      const doomed = await startWorker('doomed-worker');
      const form = new FormData();
      form.set('spec', JSON.stringify({ model: 'slow', version: 1, chunkSize: CHUNK_SIZE, errorBudget: 0 }));
      const csv = ['a,b,c,d', ...Array.from({ length: ROWS }, (_, row) => `${row},1,0,-1`)].join('\n');
      form.set('file', new Blob([csv]), 'many.csv');
      const submitted = await stack.api('POST', '/v1/batch-jobs', form, bearer(stack.adminToken));
      expect(submitted.status).toBe(201);
      const jobId = submitted.body.id as string;

      // Kill the doomed worker the moment it is seen holding a chunk.
      let held: string | undefined;
      const until = Date.now() + 30_000;
      while (!held) {
        if (Date.now() > until) throw new Error('the doomed worker never took a chunk');
        const active = await queue.getActive();
        held = active.find((job) => job.name === 'chunk' && job.processedBy === 'doomed-worker')?.id;
        if (!held) await sleep(10);
      }
      doomed.kill('SIGKILL');
      await new Promise((resolve) => (doomed.signalCode !== null ? resolve(null) : doomed.once('exit', resolve)));
      expect(doomed.signalCode).toBe('SIGKILL');
      const doneAtKill = (await stack.api('GET', `/v1/batch-jobs/${jobId}`)).body as BatchJob;
      expect(doneAtKill.status).toBe('running');
      expect(doneAtKill.progress.rowsDone).toBeLessThan(ROWS);

      await startWorker('replacement-worker');

      let job: BatchJob;
      const deadline = Date.now() + 120_000;
      for (;;) {
        job = (await stack.api('GET', `/v1/batch-jobs/${jobId}`)).body as BatchJob;
        if (job.status !== 'running' && job.status !== 'queued') break;
        if (Date.now() > deadline) throw new Error(`the job is still ${job.status}: ${JSON.stringify(job.progress)}`);
        await sleep(200);
      }
      // The chunk the dead worker held was found by the stalled-job check and run again elsewhere.
      expect(stalled).toContain(held);
      expect(job.status).toBe('succeeded');
      expect(job.progress).toMatchObject({ totalRows: ROWS, rowsDone: ROWS, rowsFailed: 0 });

      const [counts] = await stack.db.$queryRaw<{ rows: number; distinct_rows: number; first: number; last: number; failed: number }[]>`
        SELECT count(*)::int AS rows, count(DISTINCT "row")::int AS distinct_rows, min("row") AS first, max("row") AS last,
               (count(*) FILTER (WHERE error IS NOT NULL))::int AS failed
        FROM batch_results WHERE job_id = ${jobId}::uuid`;
      expect(counts).toEqual({ rows: ROWS, distinct_rows: ROWS, first: 0, last: ROWS - 1, failed: 0 });

      // The download agrees: row ids 0..N-1, each once, each with the right answer.
      const response = await fetch(new URL(`/v1/batch-jobs/${jobId}/results?format=jsonl`, stack.apiUrl), { headers: bearer(stack.adminToken) });
      const lines = (await response.text()).trim().split('\n');
      expect(lines).toHaveLength(ROWS);
      lines.forEach((text, index) => {
        const result = JSON.parse(text) as { row: number; outputs: { y: number[] } };
        expect(result.row).toBe(index);
        expect(result.outputs.y).toEqual([index, index]);
      });
    } finally {
      await events.close();
      await queue.close();
    }
  }, 180_000);
});
