import { existsSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchFileFormat, BatchJob, BatchJobStatus } from '@modelgate/contracts';
import type { ModelgateClient } from '@modelgate/sdk';
import { downloadBatchResults, submitBatchJob } from '@modelgate/sdk/node';
import { clientFor, warn, type ApiAccess } from '../auth/api-access.js';
import { batchJobSpecOf, type BatchSubmitOptions } from '../batch/batch-arguments.js';
import { batchProgressModeFor, createBatchProgressDisplay, watchBatchJob } from '../batch/batch-watch.js';
import { printJson, type CliContext, type GlobalOptions, type Output } from '../cli-context.js';
import { CliError, EXIT_BATCH_JOB_NOT_SUCCEEDED } from '../cli-error.js';
import { createUploadProgress, progressModeFor } from '../upload/upload-progress.js';
import {
  describeBatchFailures,
  describeBatchJob,
  describeBatchJobList,
  describeDownload,
  describeSubmittedJob,
  isActiveBatchJob,
} from '../views/batch-views.js';

export interface BatchStatusOptions {
  watch?: boolean;
}

export interface BatchDownloadOptions {
  format?: BatchFileFormat;
  /** A file, or `-` for stdout. */
  output?: string;
  force?: boolean;
  quiet?: boolean;
}

export interface BatchListOptions {
  status?: BatchJobStatus;
  limit?: number;
  cursor?: string;
}

export interface BatchFailuresOptions {
  limit?: number;
  cursor?: string;
}

/** Shown while the API reads the whole file once: every row counted, a malformed line refused with its number. */
const CHECKING_FILE = 'checking the file and counting its rows…';

/**
 * A job that ended without succeeding is the command's failure (exit 3), so `batch submit --wait`
 * and `batch status` can gate a script: `modelgate batch status $id && modelgate batch download $id`.
 */
function failUnlessSucceeded(job: BatchJob): void {
  if (job.status === 'failed') {
    throw new CliError(`batch job ${job.id} failed${job.error ? `: ${job.error}` : ''}`, { exitCode: EXIT_BATCH_JOB_NOT_SUCCEEDED });
  }
  if (job.status === 'cancelled') {
    throw new CliError(`batch job ${job.id} was cancelled${job.error ? `: ${job.error}` : ''}`, { exitCode: EXIT_BATCH_JOB_NOT_SUCCEEDED });
  }
}

/** Follows a job until it ends, its progress on stderr (or JSON per change on stdout), and answers it as it ended. */
async function followJob(job: BatchJob, client: ModelgateClient, globals: GlobalOptions, context: CliContext, quiet = false): Promise<BatchJob> {
  const display = createBatchProgressDisplay(batchProgressModeFor(context.stderr, { json: globals.json, quiet }), context.stdout, context.stderr);
  return watchBatchJob(job, {
    read: () => client.getBatchJob(job.id),
    display,
    sleep: (ms) => sleep(ms),
    warn: (message) => warn(context, message),
  });
}

/** `modelgate batch submit <file> (--endpoint <e> | --model <m>@<v>) […]` */
export async function submitBatch(filePath: string, options: BatchSubmitOptions, access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const spec = batchJobSpecOf(options);
  const progress = createUploadProgress(progressModeFor(context.stderr, { json: globals.json, quiet: options.quiet }), context.stderr, path.basename(filePath), {
    waiting: CHECKING_FILE,
  });
  const submitted = await submitBatchJob({
    apiUrl: access.apiUrl,
    token: access.token,
    filePath,
    spec,
    onProgress: (sent, total) => progress.update(sent, total),
  }).finally(() => progress.finish());
  if (!options.wait) {
    if (globals.json) printJson(context, submitted);
    else context.stdout.write(`${describeSubmittedJob(submitted, context.stdoutStyle)}\n`);
    return;
  }
  const ended = await followJob(submitted, clientFor(access), globals, context, options.quiet);
  if (!globals.json) context.stdout.write(`${describeBatchJob(ended, context.stdoutStyle)}\n`);
  failUnlessSucceeded(ended);
}

/** `modelgate batch status <id> [--watch]` */
export async function showBatchStatus(id: string, options: BatchStatusOptions, access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const client = clientFor(access);
  let job = await client.getBatchJob(id);
  if (options.watch && isActiveBatchJob(job)) {
    job = await followJob(job, client, globals, context);
    if (!globals.json) context.stdout.write(`${describeBatchJob(job, context.stdoutStyle)}\n`);
  } else if (globals.json) {
    printJson(context, job);
  } else {
    context.stdout.write(`${describeBatchJob(job, context.stdoutStyle)}\n`);
  }
  failUnlessSucceeded(job);
}

/** `rows.csv` → `rows.results.jsonl`: next to where the command runs, named after the file sent. */
export function defaultResultsFileName(job: BatchJob, format: BatchFileFormat): string {
  const stem = path.basename(job.fileName).replace(/\.(csv|jsonl|ndjson|txt)$/i, '') || `batch-${job.id}`;
  return `${stem}.results.${format}`;
}

/** Writes to the CLI's stdout as a stream (tests give a plain object with `write`). */
function outputStream(output: Output): Writable {
  if (output instanceof Writable) return output;
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      output.write(chunk.toString('utf8'));
      callback();
    },
  });
}

/** `modelgate batch download <id> [--format csv|jsonl] [-o <file>|-]` */
export async function downloadBatch(id: string, options: BatchDownloadOptions, access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const client = clientFor(access);
  const job = await client.getBatchJob(id);
  const format = options.format ?? job.format;
  const toStdout = options.output === '-';
  const destination = options.output ?? defaultResultsFileName(job, format);
  if (!toStdout && !options.force && existsSync(destination)) {
    throw new CliError(`${destination} exists already: name another file with -o, or pass --force to replace it`);
  }
  const progressMode = progressModeFor(context.stderr, { json: globals.json || toStdout, quiet: options.quiet });
  const progress = createUploadProgress(progressMode, context.stderr, toStdout ? 'results' : path.basename(destination), { verb: 'downloading', waiting: null });
  const downloaded = await downloadBatchResults({
    apiUrl: access.apiUrl,
    token: access.token,
    jobId: job.id,
    format,
    to: toStdout ? outputStream(context.stdout) : destination,
    // Without a Content-Length there is no share to show: the summary says what arrived.
    onProgress: (received, total) => {
      if (total !== undefined) progress.update(received, total);
    },
  }).finally(() => progress.finish());
  if (toStdout) return;
  if (globals.json) printJson(context, { id: job.id, file: path.resolve(destination), format: downloaded.format ?? format, bytes: downloaded.bytes });
  else context.stdout.write(`${describeDownload(job, downloaded.bytes, destination)}\n`);
}

/** `modelgate batch list` */
export async function listBatchJobs(options: BatchListOptions, access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const list = await clientFor(access).listBatchJobs(options);
  if (globals.json) printJson(context, list);
  else context.stdout.write(`${describeBatchJobList(list, context.stdoutStyle)}\n`);
}

/** `modelgate batch cancel <id>` */
export async function cancelBatch(id: string, access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const job = await clientFor(access).cancelBatchJob(id);
  if (globals.json) printJson(context, job);
  else context.stdout.write(`${describeBatchJob(job, context.stdoutStyle)}\n`);
}

/** `modelgate batch failures <id>` */
export async function listBatchFailures(id: string, options: BatchFailuresOptions, access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const list = await clientFor(access).listBatchFailures(id, options);
  if (globals.json) printJson(context, list);
  else context.stdout.write(`${describeBatchFailures(id, list, context.stdoutStyle)}\n`);
}
