import fs from 'node:fs/promises';
import { BATCH_CSV_DIALECT, type BatchChunkJobData, type BatchFileFormat } from '@modelgate/contracts';
import { parse as parseCsv } from 'csv-parse/sync';

/** One row of a chunk: its file line, and its fields (CSV), its object (JSONL) or why it is unreadable. */
export type ChunkRow = { line: number } & ({ fields: string[] } | { object: Record<string, unknown> } | { error: string });

/** A chunk's rows, in order: each row's file line, and the row itself built when asked for. */
export interface ChunkRows {
  readonly count: number;
  lineOf(index: number): number;
  row(index: number): ChunkRow;
  /** Set for CSV without quotes: each record's bytes, which CsvTensorReader reads numbers from without building its fields. */
  readonly unquoted?: UnquotedRecords;
}

/** The records of an unquoted CSV chunk: record `index` is bytes [starts[index], ends[index]) (no line break). */
export interface UnquotedRecords {
  bytes: Buffer;
  starts: Int32Array;
  ends: Int32Array;
}

type ChunkBounds = Pick<BatchChunkJobData, 'byteStart' | 'byteEnd' | 'firstLine' | 'rowCount'>;

/**
 * Reads one chunk's rows from the stored file: only its own bytes (recorded by the API while it
 * counted the rows), so a worker never reads more of the file than the rows it scores, and each
 * row's file line is known.
 */
export async function readChunkRows(filePath: string, format: BatchFileFormat, chunk: ChunkBounds): Promise<ChunkRows> {
  const bytes = await readRange(filePath, chunk.byteStart, chunk.byteEnd);
  const rows = format === 'csv' ? (unquotedCsvRows(bytes, chunk.firstLine) ?? listed(csvRows(bytes, chunk.firstLine))) : listed(jsonlRows(bytes, chunk.firstLine, chunk.byteStart === 0));
  if (rows.count !== chunk.rowCount) {
    throw new Error(
      `bytes ${chunk.byteStart}–${chunk.byteEnd} of ${filePath} hold ${rows.count} rows where ${chunk.rowCount} were counted at upload: the stored file changed`,
    );
  }
  return rows;
}

function listed(rows: ChunkRow[]): ChunkRows {
  return { count: rows.length, lineOf: (index) => rows[index]!.line, row: (index) => rows[index]! };
}

/** The CSV header: column name → position. */
export async function readCsvHeader(filePath: string, headerEnd: number): Promise<Map<string, number>> {
  const [header] = parseCsv(await readRange(filePath, 0, headerEnd), { ...BATCH_CSV_DIALECT, record_delimiter: [...BATCH_CSV_DIALECT.record_delimiter] }) as string[][];
  if (!header) throw new Error(`${filePath} has no header line`);
  return new Map(header.map((name, index) => [name, index]));
}

async function readRange(filePath: string, start: number, end: number): Promise<Buffer> {
  const handle = await fs.open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, start + filled);
      if (bytesRead === 0) throw new Error(`${filePath} ends at byte ${start + filled}, before byte ${end}: the stored file was truncated`);
      filled += bytesRead;
    }
    return buffer;
  } finally {
    await handle.close();
  }
}

interface CsvInfo {
  lines: number;
  empty_lines: number;
}

/**
 * csv-parse counts lines from the chunk's first byte and reports, with each record, the line it
 * ends on and the blank lines skipped so far; a record starts on the line after the previous one
 * ended, past the blank lines skipped in between (a quoted field may span lines).
 */
function csvRows(bytes: Buffer, firstLine: number): ChunkRow[] {
  const records = parseCsv(bytes, { ...BATCH_CSV_DIALECT, record_delimiter: [...BATCH_CSV_DIALECT.record_delimiter], info: true }) as unknown as { record: string[]; info: CsvInfo }[];
  let previousEnd = 0;
  let previousBlank = 0;
  return records.map(({ record, info }) => {
    const line = firstLine + previousEnd + (info.empty_lines - previousBlank);
    previousEnd = info.lines;
    previousBlank = info.empty_lines;
    return { line, fields: record };
  });
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const QUOTE = 0x22;
const BOM = '\ufeff';

/**
 * A chunk without a single quote character (most machine-written CSV) cannot hold a quoted field,
 * a field spanning lines or an escaped delimiter, so its records are its non-empty lines and its
 * fields what lies between commas: found with indexOf, and a record's fields are only built when
 * asked for (CsvTensorReader reads the numbers straight from the bytes). The records, fields and
 * lines are those csv-parse gives (a unit test compares the two). Null for a chunk with a quote or
 * a lone \r (csv-parse keeps it in the field but counts it as a line break, as the upload's line
 * numbers do): such a chunk is left to csv-parse. A chunk never starts at the file's first byte
 * (the header comes first), so there is no BOM to drop.
 */
function unquotedCsvRows(bytes: Buffer, firstLine: number): ChunkRows | null {
  if (bytes.indexOf(QUOTE) !== -1) return null;
  const starts: number[] = [];
  const ends: number[] = [];
  const lines: number[] = [];
  let line = firstLine;
  let nextCarriageReturn = bytes.indexOf(CARRIAGE_RETURN);
  for (let start = 0; start < bytes.length; line++) {
    const newline = bytes.indexOf(NEWLINE, start);
    const next = newline === -1 ? bytes.length : newline + 1;
    // \r\n ends a record as \n does; any other \r (the chunk's last byte included) sends the chunk to csv-parse.
    let end = newline === -1 ? bytes.length : newline;
    if (nextCarriageReturn !== -1 && nextCarriageReturn < next) {
      if (newline === -1 || nextCarriageReturn !== newline - 1) return null;
      end = newline - 1;
      nextCarriageReturn = bytes.indexOf(CARRIAGE_RETURN, next);
    }
    if (end > start) {
      starts.push(start);
      ends.push(end);
      lines.push(line);
    }
    start = next;
  }
  const records: UnquotedRecords = { bytes, starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
  return {
    count: lines.length,
    lineOf: (index) => lines[index]!,
    row: (index) => ({ line: lines[index]!, fields: bytes.toString('utf8', records.starts[index], records.ends[index]).split(',') }),
    unquoted: records,
  };
}

function jsonlRows(bytes: Buffer, firstLine: number, atFileStart: boolean): ChunkRow[] {
  const rows: ChunkRow[] = [];
  let line = firstLine;
  let start = 0;
  while (start < bytes.length) {
    const newline = bytes.indexOf(NEWLINE, start);
    const end = newline === -1 ? bytes.length : newline;
    let text = bytes.toString('utf8', start, end);
    if (atFileStart && start === 0 && text.startsWith(BOM)) text = text.slice(1);
    if (text.trim() !== '') rows.push({ line, ...jsonObject(text) });
    line += 1;
    start = end + 1;
  }
  return rows;
}

function jsonObject(text: string): { object: Record<string, unknown> } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `the line is not valid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'the line is not a JSON object' };
  return { object: value as Record<string, unknown> };
}
