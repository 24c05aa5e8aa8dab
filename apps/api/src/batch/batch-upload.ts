import { createWriteStream, type WriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { BATCH_CHUNK_INDEX_FILE, encodeChunkIndexEntry, ProblemCode, type BatchFileFormat, type BatchMapping } from '@modelgate/contracts';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../common/problem.exception.js';
import { CsvRecordScanner, JsonlRecordScanner, MalformedFileError, type ScannedRecord } from './row-scanners.js';

/** What the `spec` field decided, before the file arrives. */
export interface BatchUploadPlan {
  /** Rows between two entries of the chunk index. */
  indexStride: number;
  format?: BatchFileFormat;
  /** The mapping in force, from the CSV header or the first JSONL line's fields; throws a 400 when none can work. */
  resolveMapping(columns: readonly string[], format: BatchFileFormat): BatchMapping;
}

export interface ReceivedBatchFile<P extends BatchUploadPlan> {
  plan: P;
  fileName: string;
  format: BatchFileFormat;
  /** Relative to the upload directory. */
  dataFile: string;
  totalRows: number;
  mapping: BatchMapping;
  sizeBytes: number;
}

const EXTENSIONS: Record<string, BatchFileFormat> = { '.csv': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl' };

/**
 * Receives `POST /v1/batch-jobs`: the `spec` field (decided by `onSpec` before any byte of the
 * file is read), then the file, streamed to `directory` while its rows are counted and checked
 * and every indexStride-th row's first byte and line are written to the chunk index. Nothing of the file is held
 * in memory but the current record. A malformed file is refused with the line that is wrong; any
 * failure removes `directory`, so a refused upload leaves nothing behind.
 */
export async function receiveBatchUpload<P extends BatchUploadPlan>(
  request: FastifyRequest,
  directory: string,
  maxBytes: number,
  onSpec: (json: unknown) => Promise<P>,
): Promise<ReceivedBatchFile<P>> {
  if (!request.isMultipart()) {
    throw new ProblemException(
      415,
      ProblemCode.unsupportedMediaType,
      `send a batch job as multipart/form-data: a "spec" field (JSON) first, then the CSV or JSONL file in "file" (got Content-Type: ${request.headers['content-type'] ?? 'none'})`,
    );
  }
  await fs.mkdir(directory, { recursive: true });
  let plan: P | undefined;
  let received: ReceivedBatchFile<P> | undefined;
  try {
    for await (const part of request.parts({ limits: { fileSize: maxBytes, files: 1, fields: 5 } })) {
      if (part.type === 'field') {
        if (part.fieldname !== 'spec') throw ProblemException.badInput(`unexpected form field "${part.fieldname}": send "spec" (JSON) and then "file"`);
        if (plan) throw ProblemException.badInput('send the "spec" field once');
        let json: unknown;
        try {
          json = JSON.parse(String(part.value));
        } catch {
          throw ProblemException.badInput('the "spec" field is not valid JSON: expected an object like {"endpoint": "fraud"} or {"model": "fraud-detector", "version": 3}');
        }
        plan = await onSpec(json);
        continue;
      }
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw ProblemException.badInput(`the batch file must be sent in a form field named "file"; got a file in "${part.fieldname}"`);
      }
      if (!plan) {
        part.file.resume();
        throw ProblemException.badInput('send the "spec" field before the file: its target and mapping decide how the file is read as it streams');
      }
      const fileName = part.filename || 'upload';
      const format = plan.format ?? EXTENSIONS[path.extname(fileName).toLowerCase()];
      if (!format) {
        part.file.resume();
        throw ProblemException.badInput(`cannot tell the format of "${fileName}" from its name: name it .csv or .jsonl, or say "format": "csv" | "jsonl" in the spec`);
      }
      const dataFile = `input.${format}`;
      received = await scanFile(part.file, format, plan, directory, dataFile, fileName).catch((error: unknown) => {
        if (part.file.truncated) throw tooLarge(maxBytes);
        throw error;
      });
      if (part.file.truncated) throw tooLarge(maxBytes);
    }
  } catch (error) {
    await fs.rm(directory, { recursive: true, force: true });
    throw asProblem(error);
  }
  if (!received) {
    await fs.rm(directory, { recursive: true, force: true });
    throw ProblemException.badInput(plan ? 'no file in the upload: send the CSV or JSONL file in a form field named "file", after "spec"' : 'the upload has no "spec" field and no file');
  }
  return received;
}

async function scanFile<P extends BatchUploadPlan>(
  file: NodeJS.ReadableStream,
  format: BatchFileFormat,
  plan: P,
  directory: string,
  dataFile: string,
  fileName: string,
): Promise<ReceivedBatchFile<P>> {
  const data = createWriteStream(path.join(directory, dataFile), { flags: 'wx' });
  const index = createWriteStream(path.join(directory, BATCH_CHUNK_INDEX_FILE), { flags: 'wx' });
  const tap = new DiskTap(data);
  const counter = new RowCounter(format, plan, index);
  try {
    // A CSV file's bytes go to the counter as they are (it scans them); a JSONL file is parsed line by line first.
    await pipeline(format === 'csv' ? [file, tap, counter] : [file, tap, new JsonlRecordScanner(), counter]);
  } finally {
    // Closed whatever happened, so the directory can be removed (and nothing keeps a descriptor).
    data.end();
    index.end();
    await Promise.allSettled([finished(data), finished(index)]);
  }
  if (counter.rows === 0) {
    throw ProblemException.badInput(format === 'csv' ? `${fileName} has a header but no rows to score` : `${fileName} has no rows to score: expected one JSON object per line`);
  }
  return { plan, fileName, format, dataFile, totalRows: counter.rows, mapping: counter.mapping!, sizeBytes: tap.bytes };
}

/** Writes the bytes to disk as they pass on to the parser; waits for the disk when it is behind. */
class DiskTap extends Transform {
  bytes = 0;

  constructor(private readonly file: WriteStream) {
    super();
    // A failed write (a full disk) fails the upload instead of going unheard.
    file.on('error', (error) => this.destroy(error));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.bytes += chunk.length;
    if (this.file.write(chunk)) callback(null, chunk);
    else this.file.once('drain', () => callback(null, chunk));
  }

  override _flush(callback: TransformCallback) {
    this.file.end((error?: Error | null) => callback(error));
  }
}

/**
 * Counts the rows and writes the chunk index: before every indexStride-th row, where the bytes after
 * the previous row begin and on which line. The header (CSV) or the first line's fields (JSONL)
 * settle the mapping before any row is counted. A CSV file arrives as its bytes and is scanned
 * here (no object per row); a JSONL file arrives as ScannedRecords.
 */
class RowCounter extends Writable {
  rows = 0;
  mapping: BatchMapping | undefined;
  /** Where the bytes after the last record begin, and on which line. */
  private nextByte = 0;
  private nextLine = 1;
  private readonly csv: CsvRecordScanner | undefined;
  /** The index file asked to wait (write returned false): the next write waits for its 'drain'. */
  private indexFull = false;

  constructor(
    private readonly format: BatchFileFormat,
    private readonly plan: BatchUploadPlan,
    private readonly index: WriteStream,
  ) {
    super({ objectMode: true });
    index.on('error', (error) => this.destroy(error));
    if (format === 'csv') {
      this.csv = new CsvRecordScanner({
        header: (fields, endByte, endLine) => {
          this.mapping = this.plan.resolveMapping(fields, 'csv');
          this.advance(endByte, endLine);
        },
        record: (endByte, endLine) => this.count(endByte, endLine),
      });
    }
  }

  override _write(chunk: Buffer | ScannedRecord, _encoding: BufferEncoding, callback: (error?: Error | null) => void) {
    try {
      if (this.csv) {
        this.csv.write(chunk as Buffer);
      } else {
        const record = chunk as ScannedRecord;
        this.mapping ??= this.plan.resolveMapping(Object.keys(record.value), this.format);
        this.count(record.endByte, record.endLine);
      }
      this.whenIndexDrained(callback);
    } catch (error) {
      callback(error as Error);
    }
  }

  override _final(callback: (error?: Error | null) => void) {
    try {
      this.csv?.end();
    } catch (error) {
      callback(error as Error);
      return;
    }
    // The end of the data closes the last chunk.
    if (this.rows > 0) this.index.write(encodeChunkIndexEntry(this.nextByte, this.nextLine));
    this.index.end((error?: Error | null) => callback(error));
  }

  /** One more row, ending just before `endByte` on `endLine`. */
  private count(endByte: number, endLine: number) {
    if (this.rows % this.plan.indexStride === 0 && !this.index.write(encodeChunkIndexEntry(this.nextByte, this.nextLine))) this.indexFull = true;
    this.rows += 1;
    this.advance(endByte, endLine);
  }

  private advance(endByte: number, endLine: number) {
    this.nextByte = endByte;
    this.nextLine = endLine + 1;
  }

  private whenIndexDrained(callback: () => void) {
    if (!this.indexFull) {
      callback();
      return;
    }
    this.indexFull = false;
    this.index.once('drain', () => callback());
  }
}

function tooLarge(maxBytes: number) {
  return new ProblemException(413, ProblemCode.payloadTooLarge, `the batch file is larger than the upload limit of ${maxBytes} bytes (MODELGATE_MAX_UPLOAD_BYTES): split it into several jobs`);
}

function asProblem(error: unknown): unknown {
  if (error instanceof ProblemException) return error;
  if (error instanceof MalformedFileError) {
    const detail = `the file is malformed at line ${error.line}: ${error.message}; nothing was stored`;
    return ProblemException.badInput(detail, [{ path: `file.line.${error.line}`, message: error.message }]);
  }
  const code = (error as { code?: string }).code;
  if (code === 'FST_FILES_LIMIT_REACHED') return ProblemException.badInput('send exactly one file per batch job');
  if (code === 'FST_PARTS_LIMIT_REACHED' || code === 'FST_FIELDS_LIMIT_REACHED') return ProblemException.badInput('too many form fields: send "spec" and then "file"');
  if ((error as Error).message === 'aborted' || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return ProblemException.badInput('the upload was interrupted before the file was complete; nothing was stored');
  }
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || code === 'FST_PROTO_VIOLATION') {
    return ProblemException.badInput('the multipart body is malformed: send multipart/form-data with "spec" and then "file"');
  }
  return error;
}
