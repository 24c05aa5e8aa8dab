import http from 'node:http';
import path from 'node:path';
import type { BatchJob } from '@modelgate/contracts';
import { buildGemmModel, defaultGemmParameters } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelForm } from '../test-support/http.js';
import { createUser, type TestUser } from '../test-support/principals.js';
import { bearer, filesUnder, startTestStack, type TestStack } from '../test-support/test-stack.js';

/**
 * Batch files end to end on the real stack: uploads streamed and checked by the API, chunks scored
 * by the real worker process through EndpointScorer, results written to PostgreSQL and downloaded.
 */
let stack: TestStack;
let scientist: TestUser;
let viewer: TestUser;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MAX_UPLOAD_BYTES = 4 * 1024 * 1024;

// v1: the default Gemm weights; v2: every weight 1, bias 0, so y = [Σx, Σx].
const v1 = defaultGemmParameters(4, 2);
const expectedV1 = (x: number[]) => [0, 1].map((column) => x.reduce((sum, value, row) => sum + value * v1.weights[row]![column]!, v1.bias[column]!));
const expectedV2 = (x: number[]) => {
  const sum = x.reduce((total, value) => total + value, 0);
  return [sum, sum];
};
const featuresOf = (row: number) => [row, row / 2, -row, 1];

beforeAll(async () => {
  stack = await startTestStack({ MODELGATE_MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) });
  for (const parameters of [{}, { weights: [[1, 1], [1, 1], [1, 1], [1, 1]], bias: [0, 0] }]) {
    const uploaded = await stack.api('POST', '/v1/models/scorer/versions', modelForm(buildGemmModel({ inFeatures: 4, outFeatures: 2, batchDim: 'N', ...parameters })));
    expect(uploaded.status).toBe(201);
  }
  expect((await stack.api('POST', '/v1/endpoints', { name: 'scoring' })).status).toBe(201);
  expect((await stack.api('POST', '/v1/endpoints/scoring/promote', { model: 'scorer', version: 1, expectedRevision: 0 })).status).toBe(200);
  scientist = await createUser(stack, 'data_scientist');
  viewer = await createUser(stack, 'viewer');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

function batchForm(spec: unknown, content: string, fileName: string): FormData {
  const form = new FormData();
  form.set('spec', JSON.stringify(spec));
  form.set('file', new Blob([content]), fileName);
  return form;
}

const submit = (spec: unknown, content: string, fileName: string, token = stack.adminToken) => stack.api('POST', '/v1/batch-jobs', batchForm(spec, content, fileName), bearer(token));

async function finished(id: string, timeoutMs = 60_000): Promise<BatchJob> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = (await stack.api('GET', `/v1/batch-jobs/${id}`)).body as BatchJob;
    if (!['queued', 'running'].includes(job.status)) return job;
    if (Date.now() > until) throw new Error(`batch job still ${job.status} after ${timeoutMs} ms: ${JSON.stringify(job.progress)}\n${stack.workerLog()}`);
    await sleep(100);
  }
}

/** Waits for the parent job to clean up after itself: it removes the stored file last. */
async function fileRemoved(id: string) {
  const until = Date.now() + 30_000;
  while ((await filesUnder(path.join(stack.config.MODELGATE_DATA_DIR, 'batch', id))).length > 0) {
    if (Date.now() > until) throw new Error(`the file of batch job ${id} is still stored`);
    await sleep(100);
  }
}

const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, any>);

async function nothingStored() {
  expect(await stack.db.batchJob.count()).toBe(jobsBefore);
  expect(await filesUnder(path.join(stack.config.MODELGATE_DATA_DIR, 'batch'))).toEqual(filesBefore);
  expect(await filesUnder(stack.config.uploadsDir)).toEqual([]);
}
let jobsBefore = 0;
let filesBefore: string[] = [];

describe('a CSV through a routed endpoint', () => {
  const rows = 250;
  const csv = ['a,b,c,d', ...Array.from({ length: rows }, (_, row) => featuresOf(row).join(','))].join('\r\n') + '\r\n';
  let job: BatchJob;

  it('answers 201 with the job: its rows counted and the mapping it will use', async () => {
    const response = await submit({ endpoint: 'scoring', chunkSize: 40 }, csv, 'features.csv');
    expect(response.status).toBe(201);
    job = response.body;
    expect(response.headers.get('location')).toBe(`/v1/batch-jobs/${job.id}`);
    expect(job).toMatchObject({ format: 'csv', fileName: 'features.csv', target: { endpoint: 'scoring' }, chunkSize: 40, errorBudget: 0.01 });
    // No column is named "x", and the model has one [N, 4] input: all four columns, in order.
    expect(job.mapping).toEqual({ x: ['a', 'b', 'c', 'd'] });
    expect(job.progress.totalRows).toBe(rows);
  });

  it('scores every row once, and the job succeeds with its progress complete', async () => {
    const done = await finished(job.id);
    expect(done.status).toBe('succeeded');
    expect(done.progress).toMatchObject({ totalRows: rows, rowsDone: rows, rowsFailed: 0, etaSeconds: 0 });
    expect(done.progress.rowsPerSecond).toBeGreaterThan(0);
    expect(done.startedAt).not.toBeNull();
    expect(done.finishedAt).not.toBeNull();
    expect(await stack.db.batchResult.count({ where: { jobId: job.id } })).toBe(rows);
    await fileRemoved(job.id);
  });

  it('downloads the results as JSONL: row id, line, version and outputs, in row order', async () => {
    const response = await fetch(new URL(`/v1/batch-jobs/${job.id}/results?format=jsonl`, stack.apiUrl), { headers: bearer(viewer.token) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="batch-${job.id}-results.jsonl"`);
    const lines = jsonLines(await response.text());
    expect(lines.map((line) => line.row)).toEqual(Array.from({ length: rows }, (_, row) => row));
    for (const line of lines) {
      expect(line).toMatchObject({ line: line.row + 2, model: 'scorer', version: 1 });
      const expected = expectedV1(featuresOf(line.row));
      expect(line.outputs.y).toHaveLength(2);
      line.outputs.y.forEach((value: number, index: number) => expect(value).toBeCloseTo(expected[index]!, 3));
    }
  });

  it('downloads the same results as CSV, by default in the format the file came in', async () => {
    const response = await fetch(new URL(`/v1/batch-jobs/${job.id}/results`, stack.apiUrl), { headers: bearer(stack.adminToken) });
    expect(response.headers.get('content-type')).toContain('text/csv');
    const [header, ...records] = (await response.text()).trim().split('\n');
    expect(header).toBe('row,line,model,version,y,error');
    expect(records).toHaveLength(rows);
    const [row, line, model, version, y, error] = records[7]!.match(/^(\d+),(\d+),(\w+),(\d+),"(.*)",(.*)$/)!.slice(1);
    expect({ row, line, model, version, error }).toEqual({ row: '7', line: '9', model: 'scorer', version: '1', error: '' });
    (JSON.parse(y!.replace(/""/g, '"')) as number[]).forEach((value, index) => expect(value).toBeCloseTo(expectedV1(featuresOf(7))[index]!, 3));
  });
});

describe('a large CSV without a chunk size', () => {
  it('is cut into chunks of several index strides, chosen once it is counted, and every row is scored once on its line', async () => {
    // 120,500 rows: 50 chunks would be 2,410 rows, so chunks of 2,000 (two strides of 1,000), the
    // last a single stride of 500; a blank line after row 50,000 moves every later row down a line.
    const rows = 120_500;
    const lines = Array.from({ length: rows }, (_, row) => featuresOf(row).join(','));
    lines.splice(50_000, 0, '');
    const submitted = await submit({ endpoint: 'scoring' }, ['a,b,c,d', ...lines].join('\n'), 'large.csv');
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ chunkSize: 2000, progress: { totalRows: rows } });
    expect((await finished(submitted.body.id)).status).toBe('succeeded');
    const [stored] = await stack.db.$queryRaw<{ count: number; on_their_line: number }[]>`
      SELECT count(*)::int AS count,
             (count(*) FILTER (WHERE line = "row" + 2 + ("row" >= 50000)::int AND error IS NULL))::int AS on_their_line
      FROM batch_results WHERE job_id = ${submitted.body.id}::uuid`;
    expect(stored).toEqual({ count: rows, on_their_line: rows });
    // Rows on either side of a chunk's edge and a stride's edge, and the very last.
    for (const row of [0, 999, 1000, 1999, 2000, 49_999, 50_000, 119_999, 120_499]) {
      const result = await stack.db.batchResult.findUniqueOrThrow({ where: { jobId_row: { jobId: submitted.body.id, row } } });
      const y = (result.outputs as { y: number[] }).y;
      expectedV1(featuresOf(row)).forEach((value, index) => expect(y[index], `row ${row}`).toBeCloseTo(value, 2));
    }
  }, 60_000);
});

describe('JSONL pinned to a version, with bad rows', () => {
  let job: BatchJob;
  const lines = [
    JSON.stringify({ x: [1, 2, 3, 4] }), // line 1
    '', // line 2: blank, skipped
    JSON.stringify({ x: 'abc' }), // line 3: wrong type
    JSON.stringify({ y: [1, 2, 3, 4] }), // line 4: no "x"
    JSON.stringify({ x: [1, 2, 3] }), // line 5: wrong shape
    JSON.stringify({ x: [5, 6, 7, 8], note: 'extra fields are ignored' }), // line 6
  ];

  it('fails each bad row alone, with its reason and file line, and scores the rest with the pinned version', async () => {
    const response = await submit({ model: 'scorer', version: 2, errorBudget: 0.6, chunkSize: 2 }, lines.join('\n'), 'rows.jsonl', scientist.token);
    expect(response.status).toBe(201);
    job = response.body;
    expect(job).toMatchObject({ format: 'jsonl', target: { model: 'scorer', version: 2 }, mapping: { x: 'x' }, progress: { totalRows: 5 } });
    const done = await finished(job.id);
    expect(done.status).toBe('succeeded');
    expect(done.progress).toMatchObject({ totalRows: 5, rowsDone: 5, rowsFailed: 3 });

    const failures = await stack.api('GET', `/v1/batch-jobs/${job.id}/failures`, undefined, bearer(viewer.token));
    expect(failures.status).toBe(200);
    expect(failures.body.nextCursor).toBeNull();
    expect(failures.body.items.map((failure: any) => [failure.row, failure.line])).toEqual([
      [1, 3],
      [2, 4],
      [3, 5],
    ]);
    const [wrongType, missing, wrongShape] = failures.body.items.map((failure: any) => failure.error);
    expect(wrongType).toMatch(/input "x"/);
    expect(missing).toBe('field "x" is missing');
    expect(wrongShape).toMatch(/input "x" expects float32 \[N,4\]; got \[1,3\]/);

    const page = await stack.api('GET', `/v1/batch-jobs/${job.id}/failures?limit=2`);
    expect(page.body.items.map((failure: any) => failure.row)).toEqual([1, 2]);
    expect((await stack.api('GET', `/v1/batch-jobs/${job.id}/failures?limit=2&cursor=${page.body.nextCursor}`)).body.items.map((failure: any) => failure.row)).toEqual([3]);
  });

  it('downloads good rows with outputs and bad rows with their error', async () => {
    const response = await fetch(new URL(`/v1/batch-jobs/${job.id}/results`, stack.apiUrl), { headers: bearer(stack.adminToken) });
    const results = jsonLines(await response.text());
    expect(results.map((result) => result.row)).toEqual([0, 1, 2, 3, 4]);
    expect(results[0]).toEqual({ row: 0, line: 1, model: 'scorer', version: 2, outputs: { y: expectedV2([1, 2, 3, 4]) } });
    expect(results[4]).toEqual({ row: 4, line: 6, model: 'scorer', version: 2, outputs: { y: expectedV2([5, 6, 7, 8]) } });
    expect(results[2]).toEqual({ row: 2, line: 4, error: 'field "x" is missing' });
    expect(results[1]).toMatchObject({ row: 1, line: 3, model: 'scorer', version: 2 });
    expect(results[1]!.error).toMatch(/input "x"/);
  });
});

describe('CSV rows that fail alone', () => {
  it('names the column and the line of a cell of the wrong type and of a short row, lines counted across quoted newlines', async () => {
    const csv = ['id,a,b,c,d,note', '0,1,2,3,4,"a note', 'on two lines"', '1,1,abc,3,4,', '2,1,2', '3,4,3,2,1,ok'].join('\n');
    const response = await submit({ endpoint: 'scoring', mapping: { x: ['a', 'b', 'c', 'd'] }, errorBudget: 0.5 }, csv, 'mixed.csv');
    expect(response.status).toBe(201);
    const done = await finished(response.body.id);
    expect(done).toMatchObject({ status: 'succeeded', progress: { totalRows: 4, rowsDone: 4, rowsFailed: 2 } });
    const failures = (await stack.api('GET', `/v1/batch-jobs/${done.id}/failures`)).body.items;
    expect(failures).toEqual([
      { row: 1, line: 4, error: 'column "b" holds "abc": expected a number' },
      { row: 2, line: 5, error: 'column "c" is missing: the line has 3 of 6 fields' },
    ]);
    const results = jsonLines(await (await fetch(new URL(`/v1/batch-jobs/${done.id}/results?format=jsonl`, stack.apiUrl), { headers: bearer(stack.adminToken) })).text());
    expect(results.map((result) => [result.row, result.line])).toEqual([
      [0, 2],
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    results[3]!.outputs.y.forEach((value: number, index: number) => expect(value).toBeCloseTo(expectedV1([4, 3, 2, 1])[index]!, 3));
  });

  it('stops the job as failed once failed rows exceed the error budget, saying so', async () => {
    const csv = ['a,b,c,d', '1,2,3,4', '1,x,3,4', '1,2,3,4'].join('\n');
    const response = await submit({ endpoint: 'scoring', errorBudget: 0 }, csv, 'strict.csv');
    const done = await finished(response.body.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^1 of 3 rows failed; the error budget of 0 % allows 0\./);
  });
});

describe('files that are refused', () => {
  beforeAll(async () => {
    jobsBefore = await stack.db.batchJob.count();
    filesBefore = await filesUnder(path.join(stack.config.MODELGATE_DATA_DIR, 'batch'));
  });

  it('refuses malformed CSV with the line that is wrong, leaving no row and no file', async () => {
    const csv = ['a,b,c,d', '1,2,3,4', '5,6,7,8', '1,2,3"x",4', '1,2,3,4'].join('\n');
    const response = await submit({ endpoint: 'scoring' }, csv, 'broken.csv');
    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(/^the file is malformed at line 4: .*quote/i);
    expect(response.body.errors).toEqual([{ path: 'file.line.4', message: expect.any(String) }]);
    await nothingStored();
  });

  it('refuses malformed JSONL with the line that is wrong, leaving no row and no file', async () => {
    const response = await submit({ endpoint: 'scoring' }, '{"x":[1,2,3,4]}\n{"x":[1,2,3,4]}\n{"x": [1,2\n', 'broken.jsonl');
    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(/^the file is malformed at line 3: not valid JSON/);
    await nothingStored();
  });

  it('refuses a file over the upload limit with 413, leaving nothing', async () => {
    const line = '1.5,2.5,3.5,4.5\n';
    const response = await submit({ endpoint: 'scoring' }, 'a,b,c,d\n' + line.repeat(Math.ceil((MAX_UPLOAD_BYTES * 1.5) / line.length)), 'huge.csv');
    expect(response.status).toBe(413);
    expect(response.body.detail).toMatch(/MODELGATE_MAX_UPLOAD_BYTES/);
    await nothingStored();
  });

  it('refuses a spec, mapping or target that cannot work, saying what to do', async () => {
    const csv = 'id,a,b,c,d\n1,1,2,3,4\n';
    const cases: [unknown, string, number, RegExp][] = [
      [{ endpoint: 'scoring' }, 'features.csv', 400, /the header has 5 columns \(id, a, b, c, d\); give "mapping"/],
      [{ endpoint: 'scoring', mapping: { x: ['a', 'b', 'c', 'nope'] } }, 'features.csv', 400, /column "nope" \(mapped to input "x"\) is not in the header/],
      [{ endpoint: 'nowhere' }, 'features.csv', 404, /endpoint "nowhere" does not exist/],
      [{ model: 'scorer', version: 9 }, 'features.csv', 404, /model "scorer" has no version 9/],
      [{ model: 'scorer' }, 'features.csv', 400, /a pinned target needs both model and version/],
      [{ endpoint: 'scoring', mapping: { x: ['a', 'b', 'c', 'd'] } }, 'features.txt', 400, /name it \.csv or \.jsonl, or say "format"/],
    ];
    for (const [spec, fileName, status, detail] of cases) {
      const response = await submit(spec, csv, fileName);
      expect({ spec, status: response.status }).toEqual({ spec, status });
      expect(response.body.detail).toMatch(detail);
    }
    const headerOnly = await submit({ endpoint: 'scoring' }, 'a,b,c,d\n', 'empty.csv');
    expect(headerOnly.status).toBe(400);
    expect(headerOnly.body.detail).toBe('empty.csv has a header but no rows to score');

    const fileFirst = new FormData();
    fileFirst.set('file', new Blob([csv]), 'features.csv');
    fileFirst.set('spec', JSON.stringify({ endpoint: 'scoring' }));
    const outOfOrder = await stack.api('POST', '/v1/batch-jobs', fileFirst);
    expect(outOfOrder.status).toBe(400);
    expect(outOfOrder.body.detail).toMatch(/send the "spec" field before the file/);
    await nothingStored();
  });
});

describe('cancelling', () => {
  it('stops the remaining chunks; the job ends cancelled with the rows written so far, and cannot be cancelled twice', async () => {
    const rows = 4000;
    const csv = ['a,b,c,d', ...Array.from({ length: rows }, (_, row) => featuresOf(row).join(','))].join('\n');
    const submitted = await submit({ endpoint: 'scoring', chunkSize: 1 }, csv, 'long.csv', scientist.token);
    expect(submitted.status).toBe(201);
    const cancelled = await stack.api('POST', `/v1/batch-jobs/${submitted.body.id}/cancel`, undefined, bearer(scientist.token));
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.error).toBe(`cancelled by ${scientist.email}`);
    await fileRemoved(submitted.body.id);
    const after = (await stack.api('GET', `/v1/batch-jobs/${submitted.body.id}`)).body as BatchJob;
    expect(after.status).toBe('cancelled');
    expect(after.progress.rowsDone).toBeLessThan(rows);
    expect(await stack.db.batchResult.count({ where: { jobId: after.id } })).toBe(after.progress.rowsDone);

    const again = await stack.api('POST', `/v1/batch-jobs/${submitted.body.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/has already ended \(cancelled\): there is nothing left to cancel/);
    const audit = await stack.api('GET', `/v1/audit?targetType=batch_job&target=long.csv`);
    expect(audit.body.items.map((event: any) => [event.action, event.actor.label])).toEqual([
      ['batch_job.cancel', scientist.email],
      ['batch_job.submit', scientist.email],
    ]);
  });
});

describe('downloads', () => {
  it('stops the COPY and ends its transaction when the caller stops reading and goes away', async () => {
    // 64 outputs a row: some 20 MB of results, more than any buffer between the API and the caller holds.
    expect((await stack.api('POST', '/v1/models/wide/versions', modelForm(buildGemmModel({ inFeatures: 4, outFeatures: 64, batchDim: 'N' })))).status).toBe(201);
    const rows = 20_000;
    const csv = ['a,b,c,d', ...Array.from({ length: rows }, (_, row) => featuresOf(row).join(','))].join('\n');
    const submitted = await submit({ model: 'wide', version: 1, chunkSize: 5000 }, csv, 'download.csv');
    expect((await finished(submitted.body.id)).status).toBe('succeeded');
    const runningCopies = async () => {
      const [found] = await stack.db.$queryRaw<{ count: number }[]>`
        SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = current_database() AND state <> 'idle' AND query LIKE 'COPY (%batch_results%'`;
      return found!.count;
    };
    // A caller that reads the first bytes, then stops reading, then hangs up.
    const url = new URL(`/v1/batch-jobs/${submitted.body.id}/results?format=jsonl`, stack.apiUrl);
    const request = http.get(url, { headers: bearer(stack.adminToken), agent: false });
    const response = await new Promise<http.IncomingMessage>((resolve) => request.once('response', resolve));
    expect(response.statusCode).toBe(200);
    await new Promise((resolve) => response.once('data', resolve));
    response.pause();
    // Not read further: the download waits for the caller, its COPY under way.
    await sleep(300);
    expect(await runningCopies()).toBe(1);
    request.destroy();
    const until = Date.now() + 10_000;
    while ((await runningCopies()) > 0) {
      if (Date.now() > until) throw new Error('the abandoned download is still running its COPY');
      await sleep(100);
    }
  });
});

describe('who may do what', () => {
  it('lets viewers read jobs and results but not submit or cancel', async () => {
    const csv = 'a,b,c,d\n1,2,3,4\n';
    const refused = await submit({ endpoint: 'scoring' }, csv, 'viewer.csv', viewer.token);
    expect(refused.status).toBe(403);
    const accepted = await submit({ endpoint: 'scoring' }, csv, 'scientist.csv', scientist.token);
    expect(accepted.status).toBe(201);
    expect(accepted.body.createdBy).toBe(scientist.email);
    expect((await stack.api('POST', `/v1/batch-jobs/${accepted.body.id}/cancel`, undefined, bearer(viewer.token))).status).toBe(403);
    await finished(accepted.body.id);

    const list = await stack.api('GET', '/v1/batch-jobs?limit=2', undefined, bearer(viewer.token));
    expect(list.status).toBe(200);
    expect(list.body.items[0].id).toBe(accepted.body.id);
    expect(list.body.items).toHaveLength(2);
    const next = await stack.api('GET', `/v1/batch-jobs?limit=2&cursor=${list.body.nextCursor}`, undefined, bearer(viewer.token));
    expect(next.body.items.map((job: BatchJob) => job.id)).not.toContain(accepted.body.id);
    const failedOnly = await stack.api('GET', '/v1/batch-jobs?status=failed', undefined, bearer(viewer.token));
    expect(failedOnly.body.items.length).toBeGreaterThan(0);
    expect(failedOnly.body.items.every((job: BatchJob) => job.status === 'failed')).toBe(true);
    expect((await stack.api('GET', `/v1/batch-jobs/${accepted.body.id}/results`, undefined, bearer(viewer.token))).status).toBe(200);
  });

  it('answers 404 for a job that does not exist, whatever the id looks like', async () => {
    expect((await stack.api('GET', '/v1/batch-jobs/not-a-uuid')).status).toBe(404);
    expect((await stack.api('GET', '/v1/batch-jobs/00000000-0000-4000-8000-000000000000/results')).status).toBe(404);
  });
});

