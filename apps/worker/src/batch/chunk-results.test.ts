import { randomUUID } from 'node:crypto';
import { createDatabase, writeBatchChunkResults, type BatchChunkRowResult, type Database, type Db, type PgPool } from '@modelgate/db';
import { createTestDatabase, type TestDatabase } from '@modelgate/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failJob, failJobOverBudget } from './chunk-results.js';

/**
 * How a job ends when its rows go wrong, on real PostgreSQL. (The exactly-once write itself is
 * tested with it in packages/db, batch-results.test.ts.)
 */
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
    data: { id, format: 'csv', fileName: 'f.csv', filePath: `batch/${id}/input.csv`, mapping: {}, chunkSize: 2, indexStride: 2, errorBudget, totalRows, status: 'running', startedAt: new Date() },
  });
  return id;
}

const scored = (row: number): BatchChunkRowResult => ({ row, line: row + 2, versionId: null, outputsJson: JSON.stringify({ y: [row] }), error: null });
const failed = (row: number): BatchChunkRowResult => ({ row, line: row + 2, versionId: null, outputsJson: null, error: `row ${row} is bad` });

describe('failJobOverBudget and failJob', () => {
  it('does not succeed a job whose failures exceed its budget; the budget check fails it, saying so', async () => {
    const id = await runningJob(4, 0.25);
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
    expect(await writeBatchChunkResults(pool, id, [scored(0), scored(1)])).toMatchObject({ status: 'cancelled', rowsDone: 2 });
    expect(await failJob(db, id, 'too late')).toBe(false);
  });
});
