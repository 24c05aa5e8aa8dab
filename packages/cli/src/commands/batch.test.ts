import type { BatchJob } from '@modelgate/contracts';
import { describe, expect, it } from 'vitest';
import { defaultResultsFileName } from './batch.js';

const jobNamed = (fileName: string) => ({ id: '5c0e6f1e-7d0a-4c7e-9a39-0a3c2b1d9e11', fileName }) as BatchJob;

describe('defaultResultsFileName', () => {
  it('names the results after the file submitted, in the format asked for', () => {
    expect(defaultResultsFileName(jobNamed('transactions.csv'), 'csv')).toBe('transactions.results.csv');
    expect(defaultResultsFileName(jobNamed('events.NDJSON'), 'jsonl')).toBe('events.results.jsonl');
    expect(defaultResultsFileName(jobNamed('orders.2026-11.jsonl'), 'csv')).toBe('orders.2026-11.results.csv');
  });

  it('never writes outside the current directory, whatever name the file was sent with', () => {
    expect(defaultResultsFileName(jobNamed('../../etc/rows.csv'), 'csv')).toBe('rows.results.csv');
    expect(defaultResultsFileName(jobNamed('.csv'), 'csv')).toBe('batch-5c0e6f1e-7d0a-4c7e-9a39-0a3c2b1d9e11.results.csv');
  });
});
