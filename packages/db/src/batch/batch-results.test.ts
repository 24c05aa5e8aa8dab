import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDatabase, type Database, type Db, type PgPool } from '../index.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { failJob, failJobOverBudget, readBatchJobStatus, streamBatchResults, writeBatchChunkResults, type BatchChunkRowResult } from './batch-results.js';

/** Batch results through COPY on real PostgreSQL: exactly-once writes, escaping, both download formats, connections given back. */
let testDatabase: TestDatabase;
let database: Database;
let db: Db;
let pool: PgPool;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  database = createDatabase(testDatabase.url);
  ({ db, pool } = database);
});

afterAll(async () => {
  await database?.close();
  await testDatabase?.drop();
});

async function runningJob(totalRows: number, options: { errorBudget?: number; versionId?: string } = {}): Promise<string> {
  const id = randomUUID();
  await db.batchJob.create({
    data: { id, format: 'csv', fileName: 'f.csv', filePath: `batch/${id}/input.csv`, mapping: {}, chunkSize: 2, indexStride: 2, errorBudget: options.errorBudget ?? 0.5, totalRows, status: 'running', startedAt: new Date(), versionId: options.versionId ?? null },
  });
  return id;
}

async function modelVersion(model: string, version: number, outputs: { name: string; isTensor: boolean }[]): Promise<string> {
  const { id: modelId } = await db.model.upsert({ where: { name: model }, create: { name: model }, update: {} });
  const signature = {
    inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 4] }],
    outputs: outputs.map((output) => (output.isTensor ? { name: output.name, isTensor: true, dtype: 'float32', shape: ['N'] } : { name: output.name, isTensor: false, type: 'seq(map(int64,tensor(float)))' })),
    batchable: true,
  };
  const created = await db.modelVersion.create({ data: { modelId, version, sha256: 'a'.repeat(64), sizeBytes: 1n, signature, facts: {} } });
  return created.id;
}

const scored = (row: number, outputs: unknown = { y: [row] }, versionId: string | null = null): BatchChunkRowResult => ({ row, line: row + 2, versionId, outputsJson: JSON.stringify(outputs), error: null });
const failed = (row: number, error = `row ${row} is bad`, versionId: string | null = null): BatchChunkRowResult => ({ row, line: row + 2, versionId, outputsJson: null, error });

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** RFC 4180 records (fields may hold quoted commas, quotes and line breaks); lines end in \n. */
function parseCsv(csv: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let at = 0; at < csv.length; at++) {
    const char = csv[at]!;
    if (quoted) {
      if (char === '"' && csv[at + 1] === '"') (field += '"'), at++;
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') record.push(field), (field = '');
    else if (char === '\n') record.push(field), records.push(record), (record = []), (field = '');
    else field += char;
  }
  return records;
}

/** The pool has every connection it holds idle: no download or write kept one. */
async function allReleased(): Promise<void> {
  const until = Date.now() + 10_000;
  while (pool.idleCount !== pool.totalCount || pool.waitingCount > 0) {
    if (Date.now() > until) throw new Error(`the pool still lends ${pool.totalCount - pool.idleCount} of ${pool.totalCount} connections`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('createDatabase', () => {
  it('runs Prisma on the pool it returns, and closes both', async () => {
    const own = createDatabase(testDatabase.url);
    expect(own.pool.totalCount).toBe(0);
    await own.db.$queryRaw`SELECT 1`;
    expect(own.pool.totalCount).toBe(1);
    await own.close();
    expect(own.pool.ended).toBe(true);
    await own.close();
  });
});

describe('writeBatchChunkResults', () => {
  it('counts only rows it writes: a chunk written again adds nothing', async () => {
    const id = await runningJob(4);
    expect(await writeBatchChunkResults(pool, id, [scored(0), failed(1)])).toEqual({ status: 'running', totalRows: 4, rowsDone: 2, rowsFailed: 1, written: 2, allowedFailures: 2 });
    expect(await writeBatchChunkResults(pool, id, [scored(0), failed(1)])).toEqual({ status: 'running', totalRows: 4, rowsDone: 2, rowsFailed: 1, written: 0, allowedFailures: 2 });
    const stored = await db.batchResult.findMany({ where: { jobId: id }, orderBy: { row: 'asc' } });
    expect(stored.map((row) => [row.row, row.line, row.versionId, row.outputs, row.error])).toEqual([
      [0, 2, null, { y: [0] }, null],
      [1, 3, null, null, 'row 1 is bad'],
    ]);
    await allReleased();
  });

  it('counts a chunk written from two connections at once a single time, and the write of the last row ends the job', async () => {
    const id = await runningJob(4);
    await writeBatchChunkResults(pool, id, [scored(0), scored(1)]);
    const [first, second] = await Promise.all([writeBatchChunkResults(pool, id, [scored(2), scored(3)]), writeBatchChunkResults(pool, id, [scored(2), scored(3)])]);
    expect([first!.written, second!.written].sort()).toEqual([0, 2]);
    const job = await db.batchJob.findUniqueOrThrow({ where: { id } });
    expect(job).toMatchObject({ status: 'succeeded', rowsDone: 4, rowsFailed: 0 });
    expect(job.finishedAt).not.toBeNull();
    expect(await db.batchResult.count({ where: { jobId: id } })).toBe(4);
    await allReleased();
  });

  it('writes and counts only the new rows of a chunk that overlaps rows already there', async () => {
    const id = await runningJob(4);
    await writeBatchChunkResults(pool, id, [scored(0), scored(1)]);
    expect(await writeBatchChunkResults(pool, id, [scored(1, { y: ['again'] }), failed(2), scored(3)])).toMatchObject({ status: 'succeeded', rowsDone: 4, rowsFailed: 1, written: 2 });
    const stored = await db.batchResult.findMany({ where: { jobId: id }, orderBy: { row: 'asc' } });
    expect(stored.map((row) => [row.row, row.outputs, row.error])).toEqual([
      [0, { y: [0] }, null],
      [1, { y: [1] }, null],
      [2, null, 'row 2 is bad'],
      [3, { y: [3] }, null],
    ]);
  });

  it('does not succeed a job whose failures exceed its budget', async () => {
    const id = await runningJob(4, { errorBudget: 0.25 });
    expect(await writeBatchChunkResults(pool, id, [failed(0), scored(1)])).toMatchObject({ status: 'running', rowsFailed: 1, allowedFailures: 1 });
    const last = await writeBatchChunkResults(pool, id, [failed(2), scored(3)]);
    expect(last).toEqual({ status: 'running', totalRows: 4, rowsDone: 4, rowsFailed: 2, written: 2, allowedFailures: 1 });
    const job = await db.batchJob.findUniqueOrThrow({ where: { id } });
    expect(job.finishedAt).toBeNull();
  });

  it('succeeds a job whose failures are within its budget', async () => {
    const id = await runningJob(4, { errorBudget: 0.25 });
    await writeBatchChunkResults(pool, id, [failed(0), scored(1)]);
    expect(await writeBatchChunkResults(pool, id, [scored(2), scored(3)])).toEqual({ status: 'succeeded', totalRows: 4, rowsDone: 4, rowsFailed: 1, written: 2, allowedFailures: 1 });
  });

  it('does not succeed a job whose failures exceed its budget; failJobOverBudget fails it once, saying so', async () => {
    const id = await runningJob(4, { errorBudget: 0.25 });
    await writeBatchChunkResults(pool, id, [failed(0), scored(1)]);
    const last = await writeBatchChunkResults(pool, id, [failed(2), scored(3)]);
    expect(last).toMatchObject({ status: 'running', rowsDone: 4, rowsFailed: 2, allowedFailures: 1 });
    expect(await failJobOverBudget(db, id)).toBe(true);
    expect(await failJobOverBudget(db, id)).toBe(false);
    const job = await db.batchJob.findUniqueOrThrow({ where: { id } });
    expect(job.status).toBe('failed');
    expect(job.error).toBe('2 of 4 rows failed; the error budget of 25 % allows 1. Each failed row and its reason is listed under /failures');
  });

  it('keeps counting rows into a cancelled job without changing its status', async () => {
    const id = await runningJob(2);
    await db.batchJob.update({ where: { id }, data: { status: 'cancelled' } });
    expect(await writeBatchChunkResults(pool, id, [scored(0), scored(1)])).toMatchObject({ status: 'cancelled', rowsDone: 2, written: 2 });
    expect((await db.batchJob.findUniqueOrThrow({ where: { id } })).finishedAt).toBeNull();
    // Nor does failing it change what was decided.
    expect(await failJob(db, id, 'too late')).toBe(false);
  });

  it("reads a job's status, null once it is gone", async () => {
    const id = await runningJob(2);
    expect(await readBatchJobStatus(pool, id)).toBe('running');
    await db.batchJob.update({ where: { id }, data: { status: 'cancelled' } });
    expect(await readBatchJobStatus(pool, id)).toBe('cancelled');
    await db.batchJob.delete({ where: { id } });
    expect(await readBatchJobStatus(pool, id)).toBeNull();
  });

  it('says so when the job no longer exists, with rows or without, and leaves none of its rows', async () => {
    const gone = randomUUID();
    await expect(writeBatchChunkResults(pool, gone, [scored(0)])).rejects.toThrow(`batch job ${gone} no longer exists`);
    await expect(writeBatchChunkResults(pool, gone, [])).rejects.toThrow(`batch job ${gone} no longer exists`);
    // batch_results has no foreign key: the writer's own transaction is what keeps orphans out.
    expect(await db.batchResult.count({ where: { jobId: gone } })).toBe(0);
    await allReleased();
  });

  it("deletes a job's results with the job, and refuses a rerun of its chunk after it is gone", async () => {
    const [kept, deleted] = [await runningJob(4), await runningJob(4)];
    for (const id of [kept, deleted]) await writeBatchChunkResults(pool, id, [scored(0), scored(1)]);
    await db.batchJob.delete({ where: { id: deleted } });
    expect(await db.batchResult.count({ where: { jobId: deleted } })).toBe(0);
    expect(await db.batchResult.count({ where: { jobId: kept } })).toBe(2);
    // Its chunk again, overlapping what was written (the slower path that counts only missing rows).
    await writeBatchChunkResults(pool, kept, [scored(0), scored(1)]);
    const again = randomUUID();
    await db.batchJob.create({ data: { id: again, format: 'csv', fileName: 'f.csv', filePath: 'x', mapping: {}, chunkSize: 2, indexStride: 2, errorBudget: 0, totalRows: 4 } });
    await writeBatchChunkResults(pool, again, [scored(0)]);
    await db.batchJob.delete({ where: { id: again } });
    await db.batchResult.create({ data: { jobId: again, row: 0, line: 2 } });
    await expect(writeBatchChunkResults(pool, again, [scored(0), scored(1)])).rejects.toThrow(`batch job ${again} no longer exists`);
    expect(await db.batchResult.count({ where: { jobId: again } })).toBe(1);
    await allReleased();
  });

  it('rolls back a chunk PostgreSQL refuses, writes none of it, and keeps the connection', async () => {
    const id = await runningJob(2);
    const connections = pool.totalCount;
    await expect(writeBatchChunkResults(pool, id, [scored(0), { ...scored(1), outputsJson: '{"y": [1,' }])).rejects.toMatchObject({ code: '22P02' });
    expect(await db.batchResult.count({ where: { jobId: id } })).toBe(0);
    expect(await db.batchJob.findUniqueOrThrow({ where: { id } })).toMatchObject({ rowsDone: 0, rowsFailed: 0 });
    await allReleased();
    expect(pool.totalCount).toBe(connections);
    expect(await writeBatchChunkResults(pool, id, [scored(0), scored(1)])).toMatchObject({ status: 'succeeded', written: 2 });
  });

  it('writes a chunk larger than one COPY write', async () => {
    const rows = 12_000;
    const id = await runningJob(rows);
    const long = 'x'.repeat(100);
    const results = Array.from({ length: rows }, (_, row) => scored(row, { y: [row], note: long }));
    expect(await writeBatchChunkResults(pool, id, results)).toMatchObject({ status: 'succeeded', rowsDone: rows, written: rows });
    expect(await db.batchResult.count({ where: { jobId: id } })).toBe(rows);
  });

  it('writes a row larger than a COPY write, in one piece of its own, between ordinary rows', async () => {
    const id = await runningJob(3);
    const huge = 'é'.repeat(700_000); // 1.4 MB of UTF-8, more than a piece
    expect(await writeBatchChunkResults(pool, id, [scored(0), scored(1, { text: huge }), failed(2, `too long: ${huge}`)])).toMatchObject({ written: 3 });
    const stored = await db.batchResult.findMany({ where: { jobId: id }, orderBy: { row: 'asc' } });
    expect(stored.map((row) => [row.row, (row.outputs as { text?: string } | null)?.text?.length, row.error?.length])).toEqual([
      [0, undefined, undefined],
      [1, huge.length, undefined],
      [2, undefined, huge.length + 10],
    ]);
  });

  it('stores a reason holding a NUL character (PostgreSQL text cannot) with U+FFFD in its place', async () => {
    const id = await runningJob(1);
    await writeBatchChunkResults(pool, id, [failed(0, 'cell "a\0b" is not a number')]);
    expect((await db.batchResult.findFirstOrThrow({ where: { jobId: id } })).error).toBe('cell "a\ufffdb" is not a number');
  });
});

// Every character COPY's text format, CSV or JSON treat specially, and some that are merely not ASCII.
const TRICKY = 'tab\there, line\nbreak, CR\rhere, back\\slash, \\N, \\., \\t, "quoted", \'single\', comma, é 中文 😀 \u2028 \u0007 \u001f end\\';

describe('escaping', () => {
  it('gives back error text and JSON string outputs exactly, stored and through both downloads', async () => {
    const versionId = await modelVersion('escaping', 1, [
      { name: 'text', isTensor: true },
      { name: 'list', isTensor: true },
    ]);
    const id = await runningJob(3);
    const outputs = { text: TRICKY, list: [TRICKY, 'a\\tb', { nested: TRICKY }] };
    await writeBatchChunkResults(pool, id, [scored(0, outputs, versionId), failed(1, TRICKY, versionId), failed(2, TRICKY)]);

    const stored = await db.batchResult.findMany({ where: { jobId: id }, orderBy: { row: 'asc' } });
    expect(stored.map((row) => [row.outputs, row.error])).toEqual([
      [outputs, null],
      [null, TRICKY],
      [null, TRICKY],
    ]);

    const jsonl = (await text(await streamBatchResults(pool, id, 'jsonl'))).split('\n');
    expect(jsonl.pop()).toBe('');
    expect(jsonl.map((line) => JSON.parse(line))).toEqual([
      { row: 0, line: 2, model: 'escaping', version: 1, outputs },
      { row: 1, line: 3, model: 'escaping', version: 1, error: TRICKY },
      { row: 2, line: 4, error: TRICKY },
    ]);

    const csv = parseCsv(await text(await streamBatchResults(pool, id, 'csv')));
    expect(csv).toEqual([
      ['row', 'line', 'model', 'version', 'text', 'list', 'error'],
      ['0', '2', 'escaping', '1', TRICKY, expect.any(String), ''],
      ['1', '3', 'escaping', '1', '', '', TRICKY],
      ['2', '4', '', '', '', '', TRICKY],
    ]);
    // The array cell is the stored JSON, spaced as jsonb writes it.
    expect(JSON.parse(csv[1]![5]!)).toEqual(outputs.list);
  });
});

describe('downloads', () => {
  let endpointJob: string;
  let alpha: string;

  beforeAll(async () => {
    alpha = await modelVersion('alpha', 1, [
      { name: 'label', isTensor: true },
      { name: 'probabilities', isTensor: true },
      { name: 'zipmap', isTensor: false },
    ]);
    const beta = await modelVersion('beta, "quoted"', 2, [
      { name: 'score', isTensor: true },
      { name: 'label', isTensor: true },
    ]);
    endpointJob = await runningJob(7);
    // Later rows first: the order of the header's outputs is that of the rows, not of the writes.
    await writeBatchChunkResults(pool, endpointJob, [
      scored(4, { label: 0, probabilities: [1, 0] }, alpha),
      scored(5, { score: -1.5e-7, label: '' }, beta),
      scored(6, { label: null, probabilities: [0.5, 0.5] }, alpha),
    ]);
    await writeBatchChunkResults(pool, endpointJob, [
      scored(0, { label: 1, probabilities: [0.25, 0.75] }, alpha),
      scored(1, { score: 0.5, label: 'yes, "sure"' }, beta),
      failed(2, 'alpha@v1 failed on this row: bad, "input"', alpha),
      failed(3, 'field "x" is missing'),
    ]);
  });

  it('writes CSV as before: outputs of every version that scored rows, in the order they first appear', async () => {
    expect(await text(await streamBatchResults(pool, endpointJob, 'csv'))).toBe(
      [
        'row,line,model,version,label,probabilities,score,error',
        '0,2,alpha,1,1,"[0.25, 0.75]",,',
        '1,3,"beta, ""quoted""",2,"yes, ""sure""",,0.5,',
        '2,4,alpha,1,,,,"alpha@v1 failed on this row: bad, ""input"""',
        '3,5,,,,,,"field ""x"" is missing"',
        '4,6,alpha,1,0,"[1, 0]",,',
        '5,7,"beta, ""quoted""",2,,,-0.00000015,',
        '6,8,alpha,1,,"[0.5, 0.5]",,',
        '',
      ].join('\n'),
    );
    await allReleased();
  });

  it('writes JSONL as before: the outputs as stored, the version only where one was chosen', async () => {
    expect(await text(await streamBatchResults(pool, endpointJob, 'jsonl'))).toBe(
      [
        '{"row":0,"line":2,"model":"alpha","version":1,"outputs":{"label": 1, "probabilities": [0.25, 0.75]}}',
        '{"row":1,"line":3,"model":"beta, \\"quoted\\"","version":2,"outputs":{"label": "yes, \\"sure\\"", "score": 0.5}}',
        '{"row":2,"line":4,"model":"alpha","version":1,"error":"alpha@v1 failed on this row: bad, \\"input\\""}',
        '{"row":3,"line":5,"error":"field \\"x\\" is missing"}',
        '{"row":4,"line":6,"model":"alpha","version":1,"outputs":{"label": 0, "probabilities": [1, 0]}}',
        '{"row":5,"line":7,"model":"beta, \\"quoted\\"","version":2,"outputs":{"label": "", "score": -0.00000015}}',
        '{"row":6,"line":8,"model":"alpha","version":1,"outputs":{"label": null, "probabilities": [0.5, 0.5]}}',
        '',
      ].join('\n'),
    );
    await allReleased();
  });

  it('writes a job pinned to a version with that version’s outputs, and none when no row reached it', async () => {
    const pinned = await runningJob(2, { versionId: alpha });
    await writeBatchChunkResults(pool, pinned, [scored(0, { label: 3, probabilities: [0, 1] }, alpha), failed(1, 'no inputs')]);
    expect(await text(await streamBatchResults(pool, pinned, 'csv'))).toBe('row,line,model,version,label,probabilities,error\n0,2,alpha,1,3,"[0, 1]",\n1,3,,,,,no inputs\n');
    const unreached = await runningJob(1, { versionId: alpha });
    await writeBatchChunkResults(pool, unreached, [failed(0, 'no inputs')]);
    expect(await text(await streamBatchResults(pool, unreached, 'csv'))).toBe('row,line,model,version,error\n0,2,,,no inputs\n');
    expect(await text(await streamBatchResults(pool, unreached, 'jsonl'))).toBe('{"row":0,"line":2,"error":"no inputs"}\n');
  });

  it('writes only the header, or nothing, for a job without rows', async () => {
    const empty = await runningJob(1);
    expect(await text(await streamBatchResults(pool, empty, 'csv'))).toBe('row,line,model,version,error\n');
    expect(await text(await streamBatchResults(pool, empty, 'jsonl'))).toBe('');
  });

  it('has given its connection back by the time the stream ends', async () => {
    const stream = await streamBatchResults(pool, endpointJob, 'jsonl');
    stream.resume();
    await new Promise((resolve) => stream.once('end', resolve));
    expect(pool.idleCount).toBe(pool.totalCount);
  });

  describe('a large job', () => {
    let large: string;
    const activeCopies = async () => {
      // Asked on a connection of its own: the pool's counts are what is being watched.
      const client = new pg.Client({ connectionString: testDatabase.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ count: number }>(`SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'COPY (%'`);
        return rows[0]!.count;
      } finally {
        await client.end();
      }
    };

    beforeAll(async () => {
      // Some 20 MB of JSONL: far more than the socket and stream buffers between PostgreSQL and a reader hold.
      const rows = 20_000;
      large = await runningJob(rows);
      const wide = Array.from({ length: 64 }, (_, index) => Math.sin(index));
      for (let first = 0; first < rows; first += 5000) {
        await writeBatchChunkResults(pool, large, Array.from({ length: 5000 }, (_, index) => scored(first + index, { y: wide }, alpha)));
      }
    });

    it('stops PostgreSQL and gives the connection back when the reader goes away midway', async () => {
      const stream = await streamBatchResults(pool, large, 'jsonl');
      await new Promise((resolve) => stream.once('data', resolve));
      stream.pause();
      // Not read further: the COPY waits for the reader, its connection lent out.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(pool.totalCount - pool.idleCount).toBe(1);
      expect(await activeCopies()).toBe(1);
      stream.destroy();
      await allReleased();
      const until = Date.now() + 10_000;
      while ((await activeCopies()) > 0) {
        if (Date.now() > until) throw new Error('the abandoned COPY is still running');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // The pool goes on serving.
      expect(await text(await streamBatchResults(pool, endpointJob, 'jsonl'))).toContain('"row":6');
    });

    it('cuts off a download that takes longer than its time limit', async () => {
      const stream = await streamBatchResults(pool, large, 'csv', { timeoutMs: 200 });
      await new Promise((resolve) => stream.once('data', resolve));
      stream.pause();
      const failure = await new Promise<Error>((resolve) => stream.once('error', resolve));
      expect(failure.message).toMatch(/took longer than 0.2 s and was cut off/);
      await allReleased();
    });

    it('streams every row in order to a reader that keeps up', async () => {
      const lines = (await text(await streamBatchResults(pool, large, 'jsonl'))).trimEnd().split('\n');
      expect(lines).toHaveLength(20_000);
      expect(lines.every((line, row) => line.startsWith(`{"row":${row},`))).toBe(true);
      await allReleased();
    });
  });
});
