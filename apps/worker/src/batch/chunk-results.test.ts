import { randomUUID } from 'node:crypto';
import { createDatabase, type Database, type Db, type PgPool } from '@modelgate/db';
import { createTestDatabase, type TestDatabase } from '@modelgate/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failJob, failJobOverBudget, writeChunkResults, type ChunkRowResult } from './chunk-results.js';

/** The exactly-once write, on real PostgreSQL: a chunk run twice, or twice at once, counts its rows once. */
let testDatabase: TestDatabase;
let database: Database;
let db: Db;
let pool: PgPool;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  database = createDatabase(testDatabase.url);
  ({ db, pool } = database);
}, 60_000);

afterAll(async () => {
  await database?.close();
  await testDatabase?.drop();
});

async function runningJob(totalRows: number, errorBudget = 0.5): Promise<string> {
  const id = randomUUID();
  await db.batchJob.create({
    data: { id, format: 'csv', fileName: 'f.csv', filePath: `batch/${id}/input.csv`, mapping: {}, chunkSize: 2, errorBudget, totalRows, status: 'running', startedAt: new Date() },
  });
  return id;
}

const scored = (row: number): ChunkRowResult => ({ row, line: row + 2, versionId: null, outputsJson: JSON.stringify({ y: [row] }), error: null });
const failed = (row: number): ChunkRowResult => ({ row, line: row + 2, versionId: null, outputsJson: null, error: `row ${row} is bad` });

describe('writeChunkResults', () => {
  it('counts only rows it inserts: a chunk written again adds nothing', async () => {
    const id = await runningJob(4);
    expect(await writeChunkResults(pool, id, [scored(0), failed(1)])).toMatchObject({ status: 'running', rowsDone: 2, rowsFailed: 1, written: 2 });
    expect(await writeChunkResults(pool, id, [scored(0), failed(1)])).toMatchObject({ status: 'running', rowsDone: 2, rowsFailed: 1, written: 0 });
    const stored = await db.batchResult.findMany({ where: { jobId: id }, orderBy: { row: 'asc' } });
    expect(stored.map((row) => [row.row, row.line, row.outputs, row.error])).toEqual([
      [0, 2, { y: [0] }, null],
      [1, 3, null, 'row 1 is bad'],
    ]);
  });

  it('counts a chunk written by two workers at once a single time, and the write of the last row ends the job', async () => {
    const id = await runningJob(4);
    await writeChunkResults(pool, id, [scored(0), scored(1)]);
    const [first, second] = await Promise.all([writeChunkResults(pool, id, [scored(2), scored(3)]), writeChunkResults(pool, id, [scored(2), scored(3)])]);
    expect(first!.written + second!.written).toBe(2);
    const job = await db.batchJob.findUniqueOrThrow({ where: { id } });
    expect(job).toMatchObject({ status: 'succeeded', rowsDone: 4, rowsFailed: 0 });
    expect(job.finishedAt).not.toBeNull();
    expect(await db.batchResult.count({ where: { jobId: id } })).toBe(4);
  });

  it('does not succeed a job whose failures exceed its budget; the budget check fails it, saying so', async () => {
    const id = await runningJob(4, 0.25);
    await writeChunkResults(pool, id, [failed(0), scored(1)]);
    const last = await writeChunkResults(pool, id, [failed(2), scored(3)]);
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
    expect(await writeChunkResults(pool, id, [scored(0), scored(1)])).toMatchObject({ status: 'cancelled', rowsDone: 2 });
    expect(await failJob(db, id, 'too late')).toBe(false);
  });
});
