import { Transform, type TransformCallback } from 'node:stream';
import { BATCH_CSV_DIALECT, MAX_BATCH_ROW_BYTES } from '@modelgate/contracts';
import { CsvError, parse as csvParser } from 'csv-parse';

/**
 * One record of an uploaded file as it streams past: its value (CSV fields or a JSONL object),
 * the byte offset just after it and the line it ends on — what the chunk index needs to let a
 * worker read any chunk on its own.
 */
export interface ScannedRecord {
  value: string[] | Record<string, unknown>;
  endByte: number;
  endLine: number;
}

/** The file cannot be read as its format at `line`: the whole upload is refused. */
export class MalformedFileError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'MalformedFileError';
  }
}

/** Bytes in, ScannedRecords out, for a CSV file (the first record is the header). */
export function csvRecordScanner(): Transform[] {
  const parser = csvParser({ ...BATCH_CSV_DIALECT, record_delimiter: [...BATCH_CSV_DIALECT.record_delimiter], info: true, max_record_size: MAX_BATCH_ROW_BYTES });
  const toRecords = new Transform({
    objectMode: true,
    transform(chunk: { record: string[]; info: { bytes: number; lines: number } }, _encoding, callback) {
      callback(null, { value: chunk.record, endByte: chunk.info.bytes, endLine: chunk.info.lines } satisfies ScannedRecord);
    },
  });
  return [parser, toRecords];
}

/** csv-parse's errors say what is wrong and on which line: as a MalformedFileError; other errors stay as they are. */
export function malformedCsv(error: unknown): unknown {
  if (!(error instanceof CsvError)) return error;
  const line = Number((error as CsvError & { lines?: number }).lines ?? 0);
  return new MalformedFileError(line, error.message.replace(/ at line \d+/, ''));
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BOM = '\ufeff';

/**
 * Bytes in, ScannedRecords out, for a JSONL file: one JSON object per line, `\n` or `\r\n` between
 * lines, blank lines skipped, a UTF-8 BOM ignored. Only the current line is held in memory.
 */
export class JsonlRecordScanner extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Offset in the file of the first pending byte. */
  private lineStart = 0;
  private line = 1;

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    try {
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(NEWLINE, start);
        if (newline === -1) break;
        this.hold(chunk.subarray(start, newline + 1));
        this.emitLine();
        start = newline + 1;
      }
      if (start < chunk.length) this.hold(chunk.subarray(start));
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback) {
    try {
      if (this.pendingBytes > 0) this.emitLine();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private hold(bytes: Buffer) {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes > MAX_BATCH_ROW_BYTES + 2) {
      throw new MalformedFileError(this.line, `the line is longer than ${MAX_BATCH_ROW_BYTES / 1024 / 1024} MiB: is this a JSONL file (one JSON object per line)?`);
    }
  }

  private emitLine() {
    const bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const endByte = this.lineStart + bytes.length;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === NEWLINE) end -= 1;
    if (end > 0 && bytes[end - 1] === CARRIAGE_RETURN) end -= 1;
    let text = bytes.toString('utf8', 0, end);
    if (this.lineStart === 0 && text.startsWith(BOM)) text = text.slice(1);
    const line = this.line;
    this.pending = [];
    this.pendingBytes = 0;
    this.lineStart = endByte;
    this.line += 1;
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new MalformedFileError(line, `not valid JSON: ${(error as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new MalformedFileError(line, `expected a JSON object ({"input": …}), got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)?.slice(0, 40)}`);
    }
    this.push({ value: value as Record<string, unknown>, endByte, endLine: line } satisfies ScannedRecord);
  }
}
