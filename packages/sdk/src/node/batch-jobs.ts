import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { BatchFileFormat, BatchJob, BatchJobSpec } from '@modelgate/contracts';
import { DEFAULT_API_URL, apiPath, normalizeApiUrl } from '../api-url.js';
import { ModelgateClient } from '../client.js';
import { ModelgateUnreachableError, connectionFailureReason } from '../errors.js';
import { parseJsonAnswer } from '../responses.js';
import { checkToken } from '../token.js';
import { postMultipartFile } from './file-upload.js';
import { BatchFileError, describeFileError, ResultsFileError } from './local-file-errors.js';

export interface SubmitBatchJobOptions {
  /** Defaults to http://127.0.0.1:4000. */
  apiUrl?: string;
  token?: string;
  /** A CSV or JSONL file (the format comes from its name unless `spec.format` says it). */
  filePath: string;
  /** Where the rows go (an endpoint, or a pinned model and version), the mapping, chunk size, error budget. */
  spec: BatchJobSpec;
  /**
   * Called as the file's bytes are handed to the connection: first with 0, last with exactly the
   * file's size. After the last call the API is counting the rows and checking the file.
   */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
}

/**
 * Submits a batch file: `POST /v1/batch-jobs`, multipart with the `spec` field first (so a bad
 * target is refused before the bytes) and the file streamed from disk, never held in memory.
 * Answers the job as queued (201). Errors: BatchFileError (the file), ModelgateUnreachableError,
 * ModelgateApiError (a bad spec, a malformed file with its line number, …).
 */
export async function submitBatchJob(options: SubmitBatchJobOptions): Promise<BatchJob> {
  const apiUrl = normalizeApiUrl(options.apiUrl ?? DEFAULT_API_URL);
  const answer = await postMultipartFile({
    apiUrl,
    url: new URL(apiPath(apiUrl, ['v1', 'batch-jobs'])),
    token: options.token === undefined ? undefined : checkToken(options.token),
    filePath: options.filePath,
    fields: [{ name: 'spec', value: JSON.stringify(options.spec) }],
    onProgress: options.onProgress,
    fileError: (reason, errorOptions) => new BatchFileError(options.filePath, reason, errorOptions),
  });
  return parseJsonAnswer<BatchJob>(apiUrl, answer.status, answer.body);
}

export interface DownloadBatchResultsOptions {
  apiUrl?: string;
  token?: string;
  jobId: string;
  /** Default: the format of the file the job was submitted with. */
  format?: BatchFileFormat;
  /**
   * A file path (written next to it first, then renamed into place: an interrupted download never
   * leaves a partial file under that name), or a stream such as stdout (written to, not ended).
   */
  to: string | Writable;
  /** Called as bytes arrive; `totalBytes` is the response's Content-Length, undefined when it has none. */
  onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
}

export interface DownloadedResults {
  bytes: number;
  /** As the API said it in Content-Type (`csv` or `jsonl`), else the format asked for. */
  format: BatchFileFormat | undefined;
}

/** Counts the bytes passing through for the progress callback. */
class ReceivedCounter extends Transform {
  received = 0;

  constructor(private readonly onCount: (received: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    this.onCount(this.received);
    callback(null, chunk);
  }
}

function formatOfContentType(contentType: string | null): BatchFileFormat | undefined {
  if (!contentType) return undefined;
  if (/\bcsv\b/i.test(contentType)) return 'csv';
  if (/(ndjson|jsonl|json-lines|jsonlines)/i.test(contentType)) return 'jsonl';
  return undefined;
}

/**
 * Streams a batch job's results (`GET /v1/batch-jobs/{id}/results`) to a file or a stream, a few
 * KiB at a time whatever their size. Errors: ModelgateApiError (no such job, not finished…),
 * ModelgateUnreachableError (no answer, or the connection dropped midway), ResultsFileError
 * (the file cannot be written).
 */
export async function downloadBatchResults(options: DownloadBatchResultsOptions): Promise<DownloadedResults> {
  const client = new ModelgateClient({ apiUrl: options.apiUrl, token: options.token });
  const response = await client.openBatchResults(options.jobId, options.format === undefined ? {} : { format: options.format });
  const lengthHeader = response.headers.get('content-length');
  const totalBytes = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  const format = formatOfContentType(response.headers.get('content-type')) ?? options.format;
  const counter = new ReceivedCounter((received) => options.onProgress?.(received, totalBytes));
  options.onProgress?.(0, totalBytes);
  // An empty body (no rows) comes without a stream.
  const body = response.body ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) : Readable.from([]);

  const unreachable = (error: unknown) => new ModelgateUnreachableError(client.apiUrl, `the download broke off: ${connectionFailureReason(error)}`, { cause: error });
  const checkComplete = () => {
    if (totalBytes !== undefined && counter.received !== totalBytes) {
      throw unreachable(new Error(`received ${counter.received} of ${totalBytes} bytes`));
    }
  };

  if (typeof options.to !== 'string') {
    const destination = options.to;
    let destinationError: unknown;
    const noteDestinationError = (error: unknown) => (destinationError ??= error);
    destination.once('error', noteDestinationError);
    await pipeline(body, counter, destination, { end: false })
      .catch((error: unknown) => {
        // The reader went away (stdout closed by `head`, say): that is its failure, not the API's.
        throw destinationError ?? unreachable(error);
      })
      .finally(() => destination.off('error', noteDestinationError));
    checkComplete();
    return { bytes: counter.received, format };
  }

  const target = options.to;
  const partial = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString('hex')}.part`);
  let writeError: unknown;
  const file = createWriteStream(partial, { flags: 'wx' });
  file.on('error', (error) => (writeError ??= error));
  try {
    await pipeline(body, counter, file).catch((error: unknown) => {
      if (writeError) throw new ResultsFileError(target, describeFileError(writeError), { cause: writeError });
      throw unreachable(error);
    });
    checkComplete();
    await rename(partial, target).catch((error: unknown) => {
      throw new ResultsFileError(target, describeFileError(error), { cause: error });
    });
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { bytes: counter.received, format };
}
