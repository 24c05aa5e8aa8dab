import type { BatchJob } from '@modelgate/contracts';
import { describe, expect, it } from 'vitest';
import { createStyle } from '../format/style.js';
import { describeBatchFailures, describeBatchJob, describeBatchJobList, describeMapping, describeSubmittedJob, describeTarget } from './batch-views.js';

const plain = createStyle(false);

function job(overrides: Partial<BatchJob> = {}, progress: Partial<BatchJob['progress']> = {}): BatchJob {
  return {
    id: 'b1',
    status: 'running',
    format: 'csv',
    fileName: 'orders.csv',
    target: { endpoint: 'fraud' },
    mapping: { x: ['a', 'b', 'c'], note: 'memo' },
    chunkSize: 1000,
    errorBudget: 0.01,
    progress: { totalRows: 5000, rowsDone: 2250, rowsFailed: 3, rowsPerSecond: 1234.4, etaSeconds: 2.2, ...progress },
    error: null,
    createdBy: 'ada@example.com',
    createdAt: '2026-11-29T10:00:00.000Z',
    startedAt: '2026-11-29T10:00:01.000Z',
    finishedAt: null,
    ...overrides,
  };
}

describe('batch job views', () => {
  it('targets and mappings read as the options that make them', () => {
    expect(describeTarget({ endpoint: 'fraud' })).toBe('endpoint fraud');
    expect(describeTarget({ model: 'fraud', version: 3 })).toBe('fraud@v3 (pinned)');
    expect(describeMapping({ x: ['a', 'b', 'c'], note: 'memo' })).toBe('x=a,b,c  note=memo');
    expect(describeMapping({})).toBe('—');
  });

  it('a running job: rows done of the total, failures against the budget, speed and ETA', () => {
    const lines = describeBatchJob(job(), plain).split('\n');
    expect(lines[0]).toBe('batch job b1: running');
    expect(lines).toContain('file      orders.csv (csv)');
    expect(lines).toContain('target    endpoint fraud');
    expect(lines).toContain('mapping   x=a,b,c  note=memo');
    expect(lines).toContain('rows      2,250 of 5,000 rows (45 %)');
    expect(lines).toContain('failed    3 (0.13 %); the job fails beyond 1 % of its rows');
    expect(lines).toContain('speed     1,234 rows/s');
    expect(lines).toContain('eta       2s');
    // Nothing to download or look at before it ends, apart from the failures.
    expect(lines.some((line) => line.startsWith('results'))).toBe(false);
    expect(lines).toContain('failures  modelgate batch failures b1');
  });

  it('a finished job: how long it took, its error, and the command that downloads it', () => {
    const failed = job({ status: 'failed', error: 'more than 1 % of the rows failed', finishedAt: '2026-11-29T10:01:31.000Z' }, { rowsDone: 5000, rowsFailed: 60, etaSeconds: null });
    const lines = describeBatchJob(failed, plain).split('\n');
    expect(lines[0]).toBe('batch job b1: failed');
    expect(lines).toContain('error     more than 1 % of the rows failed');
    expect(lines.find((line) => line.startsWith('finished'))).toMatch(/\(took 1m 30s\)$/);
    expect(lines).toContain('results   modelgate batch download b1');
    expect(lines.some((line) => line.startsWith('eta'))).toBe(false);
  });

  it('submitted, listed, failures', () => {
    expect(describeSubmittedJob(job({ status: 'queued' }, { rowsDone: 0 }), plain).split('\n')).toEqual([
      'batch job b1 queued: orders.csv, 5,000 rows → endpoint fraud',
      'mapping  x=a,b,c  note=memo',
      'follow it with `modelgate batch status b1 --watch`',
    ]);
    const table = describeBatchJobList({ items: [job()], nextCursor: 'c2' }, plain).split('\n');
    expect(table[0]).toBe('ID  STATUS   FILE        TARGET          ROWS         FAILED  CREATED');
    expect(table[1]).toMatch(/^b1  running  orders\.csv  endpoint fraud  2,250\/5,000  3       \d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(table[2]).toBe('(more: --cursor c2)');
    expect(describeBatchJobList({ items: [], nextCursor: null }, plain)).toContain('no batch jobs yet');
    expect(describeBatchFailures('b1', { items: [{ row: 7, line: 9, error: 'column "b" holds "x": expected a number' }], nextCursor: null }, plain)).toBe(
      'ROW  LINE  ERROR\n7    9     column "b" holds "x": expected a number',
    );
  });
});
