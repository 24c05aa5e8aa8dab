import { Transform, type TransformCallback } from 'node:stream';
import { BATCH_CSV_DIALECT, MAX_BATCH_ROW_BYTES } from '@modelgate/contracts';
import { CsvError } from 'csv-parse';
import { parse as parseCsv } from 'csv-parse/sync';

/**
 * One record of an uploaded file as it streams past: its value (a JSONL object), the byte offset
 * just after it and the line it ends on — what the chunk index needs to let a worker read any
 * chunk on its own.
 */
export interface ScannedRecord {
  value: Record<string, unknown>;
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

/** What a CsvRecordScanner finds, in file order. */
export interface CsvRecordListener {
  /** The first record: its fields, the byte just after it and the line it ends on. */
  header(fields: string[], endByte: number, endLine: number): void;
  /** Every later record: the byte just after it and the line it ends on. */
  record(endByte: number, endLine: number): void;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const NUL = 0x00;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);
const MAX_ROW_MIB = MAX_BATCH_ROW_BYTES / 1024 / 1024;

// Where a CsvRecordScanner stands between two bytes (and so between two pieces of the file).
/** At the start of a field (after a comma, or at the start of a record): a quote here opens a quoted field. */
const FIELD_START = 0;
/** Inside an unquoted field that has at least one byte: a quote here is an error. */
const UNQUOTED = 1;
/** Inside a quoted field. */
const QUOTED = 2;
/** Just after a quote inside a quoted field: the next byte says whether it closed the field or is the first of a doubled quote. */
const AFTER_QUOTE = 3;
/** A closing quote then `\r`: only `\n` may follow. */
const CR_AFTER_QUOTE = 4;
/** A `\r` outside quotes: a record delimiter if `\n` follows, else an ordinary byte of the field. */
const CR_PENDING = 5;
type ScanState = typeof FIELD_START | typeof UNQUOTED | typeof QUOTED | typeof AFTER_QUOTE | typeof CR_AFTER_QUOTE | typeof CR_PENDING;

/**
 * Finds the record boundaries of a CSV file as its bytes stream past, without building any field
 * but the header's. It reads BATCH_CSV_DIALECT exactly as csv-parse does — a worker later parses
 * each chunk with csv-parse, so the boundaries, the line numbers and what is refused must agree:
 * `,` between fields; `"` quotes a whole field and `""` is a quote inside it; `\r\n` or `\n`
 * between records, anywhere outside quotes; a UTF-8 BOM at the start ignored; empty lines skipped
 * (counted as lines, not records); any number of fields per record. Lines are counted as csv-parse
 * counts them: every `\r` and `\n` byte is a line, except the `\n` of a `\r\n` between records
 * (so a `\r\n` inside quotes counts two lines, and a lone `\r` one). Two refusals are its own:
 * a record longer than MAX_BATCH_ROW_BYTES counts all its bytes (see checkLength), and a UTF-16
 * file is refused (csv-parse would switch to UTF-16, which no worker could read chunk by chunk).
 *
 * Most of a file is unquoted, so that is the fast path: the next `\n`, `\r` and `"` of the current
 * piece are found with Buffer.indexOf (each remembered until it is passed) and the bytes between
 * are never looked at in JavaScript; a comma only matters just before a quote. Quoted fields go by
 * indexOf too (the next quote, and the line breaks before it). The state between two bytes is kept
 * in fields, so a quote, a `""` or a `\r\n` may fall across any piece boundary.
 */
export class CsvRecordScanner {
  private state: ScanState = FIELD_START;
  /** csv-parse's line number at the current byte. */
  private line = 1;
  /** File offset of the current piece's first byte. */
  private offset = 0;
  /** File offset of the current record's first byte: when the next record delimiter is here, the line is empty. */
  private recordStart = 0;
  /** The line on which the open quoted field began (for the message when it is never closed). */
  private quoteLine = 1;
  private lastByte = -1;
  /** The file's first bytes until there are enough to tell whether they are a BOM; null once told. */
  private head: Buffer | null = Buffer.alloc(0);
  /** Until the header has ended: the pieces holding it, the first starting at file offset headerFrom. */
  private headerPieces: Buffer[] | null = [];
  private headerFrom = 0;

  // The current piece, and where its next `\n`, `\r` and `"` are (piece.length when there is none).
  // Each is searched for again only once the scan has passed it.
  private piece: Buffer = Buffer.alloc(0);
  private nextNewline = -1;
  private nextCarriageReturn = -1;
  private nextQuote = -1;

  constructor(private readonly listener: CsvRecordListener) {}

  /** Scans the next piece of the file; throws a MalformedFileError where csv-parse would refuse it. */
  write(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.head) {
      // Like csv-parse, tell a BOM only from the first three bytes (or the whole file when shorter).
      const head = Buffer.concat([this.head, piece]);
      if (head.length < UTF8_BOM.length) {
        this.head = head;
        return;
      }
      this.head = null;
      this.scan(head, this.skipBom(head));
    } else {
      this.scan(piece, 0);
    }
  }

  /** The file has ended: its last record, or the error it ends in. */
  end(): void {
    if (this.head) {
      const head = this.head;
      this.head = null;
      if (head.length > 0) this.scan(head, this.skipBom(head));
    }
    const fileEnd = this.offset;
    switch (this.state) {
      case QUOTED:
        // csv-parse reports the line of the file's last byte (a line break there does not count yet).
        throw new MalformedFileError(
          this.line - (this.lastByte === NEWLINE || this.lastByte === CARRIAGE_RETURN ? 1 : 0),
          `a quoted field is never closed: the quote (") that opens it on line ${this.quoteLine} has no closing quote before the end of the file (a quote inside a quoted field is written "")`,
        );
      case CR_AFTER_QUOTE:
        throw this.badClosingQuote(CARRIAGE_RETURN);
      default:
        // The last record has no delimiter after it (a `\r` at the very end is a byte of its last field).
        if (fileEnd > this.recordStart) {
          this.checkLength(fileEnd);
          this.emit(fileEnd, this.line);
        }
    }
  }

  private skipBom(head: Buffer): number {
    if (head.length >= UTF8_BOM.length && UTF8_BOM.equals(head.subarray(0, UTF8_BOM.length))) {
      this.recordStart = UTF8_BOM.length;
      return UTF8_BOM.length;
    }
    if (UTF16LE_BOM.equals(head.subarray(0, UTF16LE_BOM.length))) {
      // csv-parse would read on in UTF-16, but the workers read each chunk as UTF-8: refuse it now.
      throw new MalformedFileError(1, 'the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8 CSV');
    }
    return 0;
  }

  private scan(piece: Buffer, from: number) {
    this.piece = piece;
    this.nextNewline = this.nextCarriageReturn = this.nextQuote = -1;
    if (this.headerPieces) this.headerPieces.push(piece);
    const length = piece.length;
    let pos = from;
    while (pos < length) {
      switch (this.state) {
        case FIELD_START:
        case UNQUOTED:
          pos = this.scanUnquoted(pos);
          break;
        case QUOTED:
          pos = this.scanQuoted(pos);
          break;
        case AFTER_QUOTE:
          pos = this.afterQuote(pos);
          break;
        case CR_AFTER_QUOTE:
          if (piece[pos] !== NEWLINE) throw this.badClosingQuote(CARRIAGE_RETURN);
          this.endRecord(this.offset + pos - 1, this.offset + pos + 1);
          pos += 1;
          break;
        case CR_PENDING:
          if (piece[pos] === NEWLINE) {
            this.endRecord(this.offset + pos - 1, this.offset + pos + 1);
            pos += 1;
          } else {
            this.lineBreak(this.offset + pos - 1);
            this.state = UNQUOTED;
          }
          break;
      }
    }
    this.lastByte = piece[length - 1]!;
    this.offset += length;
    // A record may be cut by the piece's end: refuse it as soon as it is too long (a pending `\r` may be its delimiter).
    this.checkLength(this.offset - (this.state === CR_PENDING ? 1 : 0));
    if (this.headerPieces && this.recordStart >= this.offset) {
      // Only empty lines so far: nothing of the header to keep yet.
      this.headerPieces = [];
      this.headerFrom = this.offset;
    }
  }

  /** Outside quotes, from `pos`: jumps from one `\n`, `\r` or `"` to the next, ending records on the way. */
  private scanUnquoted(pos: number): number {
    const piece = this.piece;
    const length = piece.length;
    for (;;) {
      const newline = this.findNewline(pos);
      const carriageReturn = this.findCarriageReturn(pos);
      const quote = this.findQuote(pos);
      if (newline < carriageReturn && newline < quote) {
        this.endRecord(this.offset + newline, this.offset + newline + 1);
        pos = newline + 1;
      } else if (carriageReturn < quote) {
        if (carriageReturn + 1 === length) {
          this.state = CR_PENDING;
          return length;
        }
        if (piece[carriageReturn + 1] === NEWLINE) {
          this.endRecord(this.offset + carriageReturn, this.offset + carriageReturn + 2);
          pos = carriageReturn + 2;
        } else {
          // A lone `\r` is a byte of the field, but csv-parse counts it as a line.
          this.lineBreak(this.offset + carriageReturn);
          this.state = UNQUOTED;
          pos = carriageReturn + 1;
        }
      } else if (quote < length) {
        const atFieldStart = quote === pos ? this.state === FIELD_START : piece[quote - 1] === COMMA;
        if (!atFieldStart) {
          throw new MalformedFileError(this.line, 'a quote (") appears inside an unquoted field: quote the whole field and double the quotes inside it (like "say ""hi""")');
        }
        this.state = QUOTED;
        this.quoteLine = this.line;
        return quote + 1;
      } else {
        // Only field bytes up to the end of the piece: all that matters is whether the last one ends a field.
        if (pos < length) this.state = piece[length - 1] === COMMA ? FIELD_START : UNQUOTED;
        return length;
      }
    }
  }

  /** Inside quotes, from `pos`: finds the next quote, counting the line breaks before it. */
  private scanQuoted(pos: number): number {
    const quote = this.findQuote(pos);
    for (;;) {
      const lineBreak = Math.min(this.findNewline(pos), this.findCarriageReturn(pos));
      if (lineBreak >= quote) break;
      this.lineBreak(this.offset + lineBreak);
      pos = lineBreak + 1;
    }
    if (quote === this.piece.length) return quote;
    this.state = AFTER_QUOTE;
    return quote + 1;
  }

  /** The byte after a quote inside a quoted field. */
  private afterQuote(pos: number): number {
    const byte = this.piece[pos]!;
    if (byte === QUOTE) {
      this.state = QUOTED; // `""`: a quote inside the field
    } else if (byte === COMMA) {
      this.state = FIELD_START;
    } else if (byte === NEWLINE) {
      this.endRecord(this.offset + pos, this.offset + pos + 1);
    } else if (byte === CARRIAGE_RETURN) {
      this.state = CR_AFTER_QUOTE;
    } else if (byte === NUL) {
      // csv-parse takes a NUL byte after a closing quote as a byte of the field (it tests `!nextChr`).
      this.state = UNQUOTED;
    } else {
      throw this.badClosingQuote(byte);
    }
    return pos + 1;
  }

  private badClosingQuote(byte: number) {
    const got = byte === CARRIAGE_RETURN ? 'a "\\r" not followed by "\\n"' : byte >= 0x20 && byte < 0x7f ? JSON.stringify(String.fromCharCode(byte)) : 'another character';
    return new MalformedFileError(
      this.line,
      `a quoted field is followed by ${got} instead of a comma or the end of the line: quote the whole field and double the quotes inside it (like "say ""hi""")`,
    );
  }

  /** A record delimiter from file offset `delimiterStart` to `endByte`; an empty line when the record has no byte. */
  private endRecord(delimiterStart: number, endByte: number) {
    if (delimiterStart > this.recordStart) {
      this.checkLength(delimiterStart);
      this.emit(endByte, this.line);
    }
    this.line += 1;
    this.recordStart = endByte;
    this.state = FIELD_START;
  }

  /** A `\r` or `\n` at file offset `at` that is a byte of a field. */
  private lineBreak(at: number) {
    this.checkLength(at);
    this.line += 1;
  }

  /**
   * Refuses the current record once more than MAX_BATCH_ROW_BYTES of it (up to file offset `end`)
   * have been seen. Called at every line break, so the line is the one where the limit is passed.
   * (csv-parse's max_record_size counts the fields' bytes, without the commas and quotes.)
   */
  private checkLength(end: number) {
    if (end - this.recordStart <= MAX_BATCH_ROW_BYTES) return;
    throw new MalformedFileError(
      this.line,
      `the record is longer than ${MAX_ROW_MIB} MiB: is this a CSV file? (a quoted field that is never closed makes the rest of the file one record)`,
    );
  }

  private emit(endByte: number, endLine: number) {
    if (!this.headerPieces) {
      this.listener.record(endByte, endLine);
      return;
    }
    // The header: parsed by csv-parse itself, from its first byte, so its fields are exactly what a worker reads.
    const pieces = this.headerPieces;
    const bytes = (pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces)).subarray(this.recordStart - this.headerFrom, endByte - this.headerFrom);
    this.headerPieces = null;
    let fields: string[];
    try {
      [fields = []] = parseCsv(bytes, { ...BATCH_CSV_DIALECT, record_delimiter: [...BATCH_CSV_DIALECT.record_delimiter], bom: false }) as string[][];
    } catch (error) {
      if (error instanceof CsvError) throw new MalformedFileError(endLine, error.message.replace(/ at line \d+/, ''));
      throw error;
    }
    this.listener.header(fields, endByte, endLine);
  }

  private findNewline(from: number): number {
    if (this.nextNewline < from) this.nextNewline = this.find(NEWLINE, from);
    return this.nextNewline;
  }

  private findCarriageReturn(from: number): number {
    if (this.nextCarriageReturn < from) this.nextCarriageReturn = this.find(CARRIAGE_RETURN, from);
    return this.nextCarriageReturn;
  }

  private findQuote(from: number): number {
    if (this.nextQuote < from) this.nextQuote = this.find(QUOTE, from);
    return this.nextQuote;
  }

  private find(byte: number, from: number): number {
    const at = this.piece.indexOf(byte, from);
    return at === -1 ? this.piece.length : at;
  }
}

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
