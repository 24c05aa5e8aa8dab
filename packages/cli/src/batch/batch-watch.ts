import type { BatchJob } from '@modelgate/contracts';
import { ModelgateApiError, ModelgateUnreachableError } from '@modelgate/sdk';
import cliProgress from 'cli-progress';
import type { Output } from '../cli-context.js';
import { formatCount, formatDuration, percentOf } from '../format/quantities.js';
import { batchProgressLine, formatRowsPerSecond, isActiveBatchJob } from '../views/batch-views.js';

/** How often a watched job is read again: its progress moves every second. */
export const BATCH_WATCH_INTERVAL_MS = 1_000;
/** Failed reads in a row (the API restarting, a network blip) tolerated before the watch gives up. */
export const BATCH_WATCH_MAX_FAILURES = 5;

/**
 * How a watched job's progress is shown: a redrawing bar on stderr when it is a terminal, a line
 * per tenth (and per change of status) on stderr otherwise, one JSON document per change on stdout
 * with --json, nothing with --quiet.
 */
export type BatchProgressMode = 'bar' | 'lines' | 'json' | 'none';

export function batchProgressModeFor(stderr: Output, options: { json?: boolean; quiet?: boolean }): BatchProgressMode {
  if (options.json) return 'json';
  if (options.quiet) return 'none';
  return stderr.isTTY ? 'bar' : 'lines';
}

export interface BatchProgressDisplay {
  show(job: BatchJob): void;
  /** A warning is about to be written: get the bar out of its way. */
  interrupt(): void;
  /** The watch is over: leave the terminal tidy. */
  finish(): void;
}

export function createBatchProgressDisplay(mode: BatchProgressMode, stdout: Output, stderr: Output): BatchProgressDisplay {
  switch (mode) {
    case 'none':
      return { show() {}, interrupt() {}, finish() {} };
    case 'json': {
      let previous: string | undefined;
      return {
        show(job) {
          const text = JSON.stringify(job);
          if (text === previous) return;
          previous = text;
          stdout.write(`${text}\n`);
        },
        interrupt() {},
        finish() {},
      };
    }
    case 'lines':
      return new BatchProgressLines(stderr);
    case 'bar':
      return new BatchProgressBar(stderr);
  }
}

/** A line each time the job passes a tenth of its rows or changes status: enough to see it move, short in a log. */
class BatchProgressLines implements BatchProgressDisplay {
  private lastTenth = -1;
  private lastStatus: string | undefined;

  constructor(private readonly stderr: Output) {}

  show(job: BatchJob): void {
    const tenth = Math.floor(percentOf(job.progress.rowsDone, job.progress.totalRows) / 10);
    if (tenth === this.lastTenth && job.status === this.lastStatus) return;
    this.lastTenth = tenth;
    this.lastStatus = job.status;
    this.stderr.write(`${batchProgressLine(job)}\n`);
  }

  interrupt(): void {}
  finish(): void {}
}

class BatchProgressBar implements BatchProgressDisplay {
  private readonly bar: cliProgress.SingleBar;
  private drawing = false;

  constructor(stderr: Output) {
    this.bar = new cliProgress.SingleBar(
      {
        stream: stderr as NodeJS.WritableStream,
        // Not {total}, {eta} or {percentage}: cli-progress fills those itself, overriding the payload's.
        format: '{status} {bar} {percent} % | {done} / {rows} rows | {speed} | ETA {left} | {failed} failed',
        barsize: 30,
        // As for uploads: a hidden cursor would stay hidden after Ctrl-C.
        hideCursor: false,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  show(job: BatchJob): void {
    const { rowsDone: done, totalRows, rowsFailed, etaSeconds, rowsPerSecond } = job.progress;
    const payload = {
      status: job.status.padEnd(9),
      percent: percentOf(done, totalRows),
      done: formatCount(done),
      rows: formatCount(totalRows),
      speed: formatRowsPerSecond(rowsPerSecond),
      left: isActiveBatchJob(job) && etaSeconds !== null ? formatDuration(etaSeconds) : '—',
      failed: formatCount(rowsFailed),
    };
    const total = Math.max(totalRows, 1);
    if (!this.drawing) {
      this.drawing = true;
      this.bar.start(total, Math.min(done, total), payload);
    } else {
      this.bar.setTotal(total);
      this.bar.update(Math.min(done, total), payload);
    }
  }

  interrupt(): void {
    this.finish();
  }

  finish(): void {
    if (!this.drawing) return;
    this.drawing = false;
    this.bar.stop();
  }
}

/** Worth another try: nothing answered, or the API failed (5xx) or asked to slow down (429). */
function isTransient(error: unknown): boolean {
  return error instanceof ModelgateUnreachableError || (error instanceof ModelgateApiError && (error.status >= 500 || error.status === 429));
}

export interface BatchWatch {
  read(): Promise<BatchJob>;
  display: BatchProgressDisplay;
  sleep(ms: number): Promise<void>;
  warn(message: string): void;
}

/**
 * Shows `first`, then reads the job every BATCH_WATCH_INTERVAL_MS and shows it again until it is
 * no longer queued or running; answers it as it ended. A few failed reads in a row are waited out
 * with a warning.
 */
export async function watchBatchJob(first: BatchJob, watch: BatchWatch): Promise<BatchJob> {
  let job = first;
  let failures = 0;
  try {
    watch.display.show(job);
    while (isActiveBatchJob(job)) {
      await watch.sleep(BATCH_WATCH_INTERVAL_MS);
      try {
        job = await watch.read();
        failures = 0;
      } catch (error) {
        failures += 1;
        if (!isTransient(error) || failures > BATCH_WATCH_MAX_FAILURES) throw error;
        watch.display.interrupt();
        watch.warn(`could not read batch job ${job.id} (${(error as Error).message}); trying again in ${BATCH_WATCH_INTERVAL_MS / 1000} s`);
        continue;
      }
      watch.display.show(job);
    }
  } finally {
    watch.display.finish();
  }
  return job;
}
