import type { BatchJob } from '@modelgate/contracts';
import { ModelgateApiError, ModelgateUnreachableError } from '@modelgate/sdk';
import { describe, expect, it } from 'vitest';
import { BATCH_WATCH_INTERVAL_MS, BATCH_WATCH_MAX_FAILURES, batchProgressModeFor, createBatchProgressDisplay, watchBatchJob, type BatchProgressDisplay } from './batch-watch.js';

function jobAt(rowsDone: number, status: BatchJob['status'] = 'running', rowsFailed = 0): BatchJob {
  const done = status !== 'queued' && status !== 'running';
  return {
    id: '5c0e6f1e-7d0a-4c7e-9a39-0a3c2b1d9e11',
    status,
    format: 'csv',
    fileName: 'orders.csv',
    target: { endpoint: 'fraud' },
    mapping: { x: ['a', 'b', 'c'] },
    chunkSize: 1000,
    errorBudget: 0.01,
    progress: { totalRows: 5000, rowsDone, rowsFailed, rowsPerSecond: rowsDone > 0 ? 1250 : null, etaSeconds: done || rowsDone === 0 ? null : (5000 - rowsDone) / 1250 },
    error: status === 'failed' ? 'more than 1 % of the rows failed (60 of 5,000)' : null,
    createdBy: 'ada@example.com',
    createdAt: '2026-11-29T10:00:00.000Z',
    startedAt: '2026-11-29T10:00:01.000Z',
    finishedAt: done ? '2026-11-29T10:00:05.000Z' : null,
  };
}

function recordingOutput(isTTY = false) {
  const output = { text: '', isTTY, write: (chunk: string) => (output.text += chunk) };
  return output;
}

const quietDisplay = (shown: BatchJob[]): BatchProgressDisplay => ({ show: (job) => shown.push(job), interrupt() {}, finish() {} });

describe('watchBatchJob', () => {
  it('reads the job every second until it ends, showing each reading, and answers the last', async () => {
    const readings = [jobAt(1000), jobAt(3000), jobAt(5000, 'succeeded')];
    const shown: BatchJob[] = [];
    const sleeps: number[] = [];
    const ended = await watchBatchJob(jobAt(0, 'queued'), {
      read: async () => readings.shift() as BatchJob,
      display: quietDisplay(shown),
      sleep: async (ms) => void sleeps.push(ms),
      warn: () => {
        throw new Error('no warning expected');
      },
    });
    expect(ended.status).toBe('succeeded');
    expect(shown.map((job) => job.progress.rowsDone)).toEqual([0, 1000, 3000, 5000]);
    expect(sleeps).toEqual([BATCH_WATCH_INTERVAL_MS, BATCH_WATCH_INTERVAL_MS, BATCH_WATCH_INTERVAL_MS]);
  });

  it('waits out a few failed reads with a warning, and gives up on a refusal', async () => {
    const warnings: string[] = [];
    const answers: (BatchJob | Error)[] = [new ModelgateUnreachableError('http://api', 'ECONNREFUSED'), jobAt(5000, 'succeeded')];
    const ended = await watchBatchJob(jobAt(10), {
      read: async () => {
        const next = answers.shift();
        if (next instanceof Error) throw next;
        return next as BatchJob;
      },
      display: quietDisplay([]),
      sleep: async () => {},
      warn: (message) => warnings.push(message),
    });
    expect(ended.status).toBe('succeeded');
    expect(warnings).toEqual([expect.stringMatching(/^could not read batch job 5c0e6f1e-.*ECONNREFUSED.*; trying again in 1 s$/)]);

    const forbidden = new ModelgateApiError({ type: 't', title: 'Forbidden', status: 403, detail: 'no', code: 'forbidden' });
    await expect(watchBatchJob(jobAt(10), { read: async () => Promise.reject(forbidden), display: quietDisplay([]), sleep: async () => {}, warn: () => {} })).rejects.toBe(forbidden);

    let reads = 0;
    const down = new ModelgateUnreachableError('http://api', 'ECONNREFUSED');
    await expect(
      watchBatchJob(jobAt(10), {
        read: async () => {
          reads += 1;
          throw down;
        },
        display: quietDisplay([]),
        sleep: async () => {},
        warn: () => {},
      }),
    ).rejects.toBe(down);
    expect(reads).toBe(BATCH_WATCH_MAX_FAILURES + 1);
  });
});

describe('progress displays', () => {
  it('picks a bar on a terminal, lines on a pipe, JSON with --json, nothing with --quiet', () => {
    expect(batchProgressModeFor({ write: () => true, isTTY: true }, {})).toBe('bar');
    expect(batchProgressModeFor({ write: () => true }, {})).toBe('lines');
    expect(batchProgressModeFor({ write: () => true, isTTY: true }, { json: true })).toBe('json');
    expect(batchProgressModeFor({ write: () => true, isTTY: true }, { quiet: true })).toBe('none');
  });

  it('lines: one per tenth passed or change of status, on stderr', () => {
    const stdout = recordingOutput();
    const stderr = recordingOutput();
    const display = createBatchProgressDisplay('lines', stdout, stderr);
    for (const job of [jobAt(0, 'queued'), jobAt(0), jobAt(100), jobAt(400), jobAt(2600, 'running', 3), jobAt(2700, 'running', 3), jobAt(5000, 'succeeded', 3)]) display.show(job);
    display.finish();
    expect(stdout.text).toBe('');
    expect(stderr.text.trimEnd().split('\n')).toEqual([
      'queued: 0 of 5,000 rows (0 %), 0 failed',
      'running: 0 of 5,000 rows (0 %), 0 failed',
      'running: 2,600 of 5,000 rows (52 %), 1,250 rows/s, ETA 2s, 3 failed',
      'succeeded: 5,000 of 5,000 rows (100 %), 1,250 rows/s, 3 failed',
    ]);
  });

  it('json: the job as the API sent it, once per change, on stdout', () => {
    const stdout = recordingOutput();
    const stderr = recordingOutput();
    const display = createBatchProgressDisplay('json', stdout, stderr);
    display.show(jobAt(100));
    display.show(jobAt(100));
    display.show(jobAt(5000, 'succeeded'));
    const lines = stdout.text.trimEnd().split('\n').map((line) => JSON.parse(line) as BatchJob);
    expect(lines.map((job) => [job.status, job.progress.rowsDone])).toEqual([
      ['running', 100],
      ['succeeded', 5000],
    ]);
    expect(stderr.text).toBe('');
  });

  it('bar: redraws rows, rows/s, ETA and failures on stderr', () => {
    const stderr = recordingOutput(true);
    const display = createBatchProgressDisplay('bar', recordingOutput(), stderr);
    display.show(jobAt(2500, 'running', 7));
    display.finish();
    expect(stderr.text).toContain('running');
    expect(stderr.text).toContain('50 % | 2,500 / 5,000 rows | 1,250 rows/s | ETA 2s | 7 failed');
  });
});
