import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ModelVersion, VersionMetadata } from '@modelgate/contracts';
import { DEFAULT_API_URL, apiPath, normalizeApiUrl } from '../api-url.js';
import { bearer } from '../api-request.js';
import { ModelgateApiError, ModelgateUnreachableError, connectionFailureReason } from '../errors.js';
import { parseJsonAnswer, problemFromResponse, retryAfterSeconds } from '../responses.js';
import { checkToken } from '../token.js';
import { buildMultipartFraming, multipartContentLength } from './multipart.js';

export interface UploadModelVersionOptions {
  /** Defaults to http://127.0.0.1:4000. */
  apiUrl?: string;
  /** An API key or personal token, sent as `Authorization: Bearer`; uploading needs the data scientist role. */
  token?: string;
  model: string;
  filePath: string;
  /** Sent as the `metadata` form field; the API checks it (and `sampleInput` against the signature). */
  metadata?: VersionMetadata;
  /**
   * Called as the file's bytes are handed to the connection: first with 0, last with exactly
   * `totalBytes` (the file's size). After the last call the API is validating the model.
   */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
}

export interface UploadOutcome {
  version: ModelVersion;
  /** False when the same bytes were already a version of this model: that version is returned. */
  created: boolean;
}

/** The model file could not be read (missing, a directory, no permission, changed while sending). */
export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';

  constructor(
    readonly filePath: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot read the model file ${filePath}: ${reason}`, options);
  }
}

const FILE_ERROR_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
};

function describeFileError(error: unknown): string {
  const code = (error as { code?: string }).code;
  return (code && FILE_ERROR_REASONS[code]) ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Counts the bytes passing through and refuses more than announced: the Content-Length was computed
 * from the file's size before sending, and a file that grows meanwhile would corrupt the body.
 */
class ByteCounter extends Transform {
  private counted = 0;

  constructor(
    private readonly filePath: string,
    private readonly expected: number,
    private readonly onCount: (counted: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.counted += chunk.length;
    if (this.counted > this.expected) {
      callback(new ModelFileError(this.filePath, `it grew while it was being sent (from ${this.expected} bytes)`));
      return;
    }
    this.onCount(this.counted);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.counted === this.expected) callback();
    else callback(new ModelFileError(this.filePath, `it shrank while it was being sent (from ${this.expected} to ${this.counted} bytes)`));
  }
}

async function statModelFile(filePath: string): Promise<number> {
  try {
    const stats = await stat(filePath);
    if (!stats.isFile()) throw new ModelFileError(filePath, stats.isDirectory() ? 'it is a directory' : 'not a regular file');
    return stats.size;
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(filePath, describeFileError(error), { cause: error });
  }
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
 * Uploads a model file as a new version: `POST /v1/models/{model}/versions`, multipart with the
 * optional `metadata` field first and the file streamed from disk (never read into memory) with an
 * exact Content-Length. 201 → created; 200 → these bytes were already a version of the model.
 * Errors: ModelFileError (file), ModelgateUnreachableError (no answer), ModelgateApiError (4xx/5xx).
 */
export async function uploadModelVersion(options: UploadModelVersionOptions): Promise<UploadOutcome> {
  const apiUrl = normalizeApiUrl(options.apiUrl ?? DEFAULT_API_URL);
  const token = options.token === undefined ? undefined : checkToken(options.token);
  const totalBytes = await statModelFile(options.filePath);
  const framing = buildMultipartFraming({
    fileName: path.basename(options.filePath),
    metadataJson: options.metadata === undefined ? undefined : JSON.stringify(options.metadata),
  });
  const url = new URL(apiPath(apiUrl, ['v1', 'models', options.model, 'versions']));
  const transport = url.protocol === 'https:' ? https : http;

  return new Promise<UploadOutcome>((resolve, reject) => {
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
        ...bearer(token),
      },
    });
    const finish = (outcome: { value: UploadOutcome } | { error: unknown }) => {
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
          try {
            if (status >= 200 && status < 300) {
              finish({ value: { version: parseJsonAnswer<ModelVersion>(apiUrl, status, body), created: status === 201 } });
            } else {
              const problem = problemFromResponse(apiUrl, { status, statusText: response.statusMessage ?? '', body });
              const retryAfter = retryAfterSeconds(response.headers['retry-after']);
              finish({ error: new ModelgateApiError(problem, { retryAfterSeconds: retryAfter }) });
            }
          } catch (error) {
            finish({ error });
          }
        },
        (error: unknown) => finish({ error: new ModelgateUnreachableError(apiUrl, connectionFailureReason(error), { cause: error }) }),
      );
    });
    // After an answer has started, a reset while still sending is the API closing early: the answer wins.
    request.on('error', (error) => {
      if (!answered) finish({ error: new ModelgateUnreachableError(apiUrl, connectionFailureReason(error), { cause: error }) });
    });

    let fileError: unknown;
    const file = createReadStream(options.filePath);
    file.on('error', (error) => (fileError = error));
    const counter = new ByteCounter(options.filePath, totalBytes, (sent) => options.onProgress?.(sent, totalBytes));
    options.onProgress?.(0, totalBytes);
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
      if (fileError) finish({ error: new ModelFileError(options.filePath, describeFileError(fileError), { cause: fileError }) });
      else if (error instanceof ModelFileError) finish({ error });
      else if (!answered) finish({ error: new ModelgateUnreachableError(apiUrl, connectionFailureReason(error), { cause: error }) });
    });
  });
}
