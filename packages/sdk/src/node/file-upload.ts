import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { bearer } from '../api-request.js';
import { ModelgateApiError, ModelgateUnreachableError, connectionFailureReason } from '../errors.js';
import { problemFromResponse, retryAfterSeconds } from '../responses.js';
import { describeFileError, LocalFileError } from './local-file-errors.js';
import { buildMultipartFraming, multipartContentLength, type MultipartField } from './multipart.js';

/** One multipart POST of a file streamed from disk, after its text fields. */
export interface MultipartFileUpload {
  /** Normalized (no trailing slash): named in errors. */
  apiUrl: string;
  url: URL;
  token: string | undefined;
  filePath: string;
  fields: readonly MultipartField[];
  /** First with 0, last with exactly the file's size; then the API is working on what it got. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  /** The error for this kind of file (`cannot read the model file …`). */
  fileError: (reason: string, options?: { cause?: unknown }) => LocalFileError;
}

/** A 2xx answer's status and body text. */
export interface UploadAnswer {
  status: number;
  body: string;
}

/**
 * Counts the bytes passing through and refuses more than announced: the Content-Length was computed
 * from the file's size before sending, and a file that grows meanwhile would corrupt the body.
 */
class ByteCounter extends Transform {
  private counted = 0;

  constructor(
    private readonly expected: number,
    private readonly fileError: MultipartFileUpload['fileError'],
    private readonly onCount: (counted: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.counted += chunk.length;
    if (this.counted > this.expected) {
      callback(this.fileError(`it grew while it was being sent (from ${this.expected} bytes)`));
      return;
    }
    this.onCount(this.counted);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.counted === this.expected) callback();
    else callback(this.fileError(`it shrank while it was being sent (from ${this.expected} to ${this.counted} bytes)`));
  }
}

/** The size of a regular file, or the kind's error saying why it cannot be sent. */
export async function sizeOfFileToSend(filePath: string, fileError: MultipartFileUpload['fileError']): Promise<number> {
  let stats;
  try {
    stats = await stat(filePath);
  } catch (error) {
    throw fileError(describeFileError(error), { cause: error });
  }
  if (!stats.isFile()) throw fileError(stats.isDirectory() ? 'it is a directory' : 'not a regular file');
  return stats.size;
}

function readBody(response: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

/**
 * Sends the fields, then the file streamed from disk (never read into memory), with an exact
 * Content-Length, and answers the API's 2xx. Errors: the kind's LocalFileError (the file),
 * ModelgateUnreachableError (no answer), ModelgateApiError (4xx/5xx).
 */
export async function postMultipartFile(upload: MultipartFileUpload): Promise<UploadAnswer> {
  const { apiUrl, url, filePath, fileError } = upload;
  const totalBytes = await sizeOfFileToSend(filePath, fileError);
  const framing = buildMultipartFraming({ fileName: path.basename(filePath), fields: upload.fields });
  const transport = url.protocol === 'https:' ? https : http;

  return new Promise<UploadAnswer>((resolve, reject) => {
    let settled = false;
    let answered = false;
    const request = transport.request(url, {
      method: 'POST',
      // A connection of its own: nothing to reuse, and a pooled socket would keep a CLI alive.
      agent: false,
      headers: {
        'content-type': framing.contentType,
        'content-length': String(multipartContentLength(framing, totalBytes)),
        accept: 'application/json, application/problem+json',
        ...bearer(upload.token),
      },
    });
    const finish = (outcome: { value: UploadAnswer } | { error: unknown }) => {
      if (settled) return;
      settled = true;
      if ('value' in outcome) resolve(outcome.value);
      else reject(outcome.error);
      // The API may answer before the whole body is sent (a refused name, say): stop sending.
      request.destroy();
    };

    request.on('response', (response) => {
      answered = true;
      readBody(response).then(
        (body) => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            finish({ value: { status, body } });
            return;
          }
          const problem = problemFromResponse(apiUrl, { status, statusText: response.statusMessage ?? '', body });
          finish({ error: new ModelgateApiError(problem, { retryAfterSeconds: retryAfterSeconds(response.headers['retry-after']) }) });
        },
        (error: unknown) => finish({ error: new ModelgateUnreachableError(apiUrl, connectionFailureReason(error), { cause: error }) }),
      );
    });
    // After an answer has started, a reset while still sending is the API closing early: the answer wins.
    request.on('error', (error) => {
      if (!answered) finish({ error: new ModelgateUnreachableError(apiUrl, connectionFailureReason(error), { cause: error }) });
    });

    let readError: unknown;
    const file = createReadStream(filePath);
    file.on('error', (error) => (readError = error));
    const counter = new ByteCounter(totalBytes, fileError, (sent) => upload.onProgress?.(sent, totalBytes));
    upload.onProgress?.(0, totalBytes);
    pipeline(
      file,
      counter,
      async function* frame(source: AsyncIterable<Buffer>) {
        yield framing.head;
        yield* source;
        yield framing.tail;
      },
      request,
    ).catch((error: unknown) => {
      if (readError) finish({ error: fileError(describeFileError(readError), { cause: readError }) });
      else if (error instanceof LocalFileError) finish({ error });
      else if (!answered) finish({ error: new ModelgateUnreachableError(apiUrl, connectionFailureReason(error), { cause: error }) });
    });
  });
}
