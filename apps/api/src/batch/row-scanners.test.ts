import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BATCH_CSV_DIALECT, MAX_BATCH_ROW_BYTES } from '@modelgate/contracts';
import { CsvError } from 'csv-parse';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvRecordScanner, JsonlRecordScanner, MalformedFileError, type ScannedRecord } from './row-scanners.js';

/** The byte offset just after the first `piece` in `text` (in UTF-8 bytes, BOM included). */
const byteAfter = (text: string, piece: string) => Buffer.byteLength(text.slice(0, text.indexOf(piece) + piece.length));

/** `bytes` cut into pieces whose sizes come from `size()` (1 puts every boundary inside a record). */
function cut(bytes: Buffer, size: () => number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let start = 0; start < bytes.length; ) {
    const end = Math.min(bytes.length, start + size());
    pieces.push(bytes.subarray(start, end));
    start = end;
  }
  return pieces;
}

interface CsvScan {
  header: string[] | undefined;
  /** Every record, the header first: the byte just after it and the line it ends on. */
  records: { endByte: number; endLine: number }[];
}

function scanCsv(pieces: Buffer[]): CsvScan {
  const scan: CsvScan = { header: undefined, records: [] };
  const scanner = new CsvRecordScanner({
    header(fields, endByte, endLine) {
      scan.header = fields;
      scan.records.push({ endByte, endLine });
    },
    record(endByte, endLine) {
      scan.records.push({ endByte, endLine });
    },
  });
  for (const piece of pieces) scanner.write(piece);
  scanner.end();
  return scan;
}

/** csv-parse with the dialect the workers read chunks with: what the scanner must agree with. */
function oracle(bytes: Buffer): CsvScan {
  const parsed = parseCsv(bytes, { ...BATCH_CSV_DIALECT, record_delimiter: [...BATCH_CSV_DIALECT.record_delimiter], info: true }) as unknown as {
    record: string[];
    info: { bytes: number; lines: number };
  }[];
  return { header: parsed[0]?.record, records: parsed.map(({ info }) => ({ endByte: info.bytes, endLine: info.lines })) };
}

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** Feeds `text` in pieces of `pieceBytes` through the JSONL scanner and collects the records. */
async function scanJsonl(text: string, pieceBytes: number): Promise<ScannedRecord[]> {
  const records: ScannedRecord[] = [];
  const sink = new Writable({
    objectMode: true,
    write(record: ScannedRecord, _encoding, callback) {
      records.push(record);
      callback();
    },
  });
  await pipeline([Readable.from(cut(Buffer.from(text), () => pieceBytes)), new JsonlRecordScanner(), sink]);
  return records;
}

describe('CsvRecordScanner', () => {
  const text = '\ufeffa,b\r\n1,2\r\n\r\n"x\ny",5\n7,8';
  it.each([1, 3, 1024])('gives each record the byte just after it and the line it ends on (pieces of %i bytes)', (pieceBytes) => {
    expect(scanCsv(cut(Buffer.from(text), () => pieceBytes))).toEqual({
      header: ['a', 'b'],
      records: [
        { endByte: byteAfter(text, 'a,b\r\n'), endLine: 1 },
        { endByte: byteAfter(text, '1,2\r\n'), endLine: 2 },
        { endByte: byteAfter(text, '"x\ny",5\n'), endLine: 5 },
        { endByte: Buffer.byteLength(text), endLine: 6 },
      ],
    });
  });

  it('gives the header fields as csv-parse reads them', () => {
    const header = '\n\r\n"id","a ""quoted"" name",\u00e9t\u00e9,"two\r\nlines",\r\n1,2,3,4,5\n';
    expect(scanCsv(cut(Buffer.from(header), () => 2)).header).toEqual(['id', 'a "quoted" name', '\u00e9t\u00e9', 'two\r\nlines', '']);
  });

  it('refuses a malformed file with the line that is wrong', () => {
    const unclosed = caught(() => scanCsv(cut(Buffer.from('a,b\n1,2\n3,"4\n'), () => 7))) as MalformedFileError;
    expect(unclosed).toBeInstanceOf(MalformedFileError);
    expect(unclosed.line).toBe(3);
    expect(unclosed.message).toMatch(/a quoted field is never closed: the quote \(".*on line 3/);
    const quoted = caught(() => scanCsv([Buffer.from('a,b\n1,2\n3,4\n5,6"x"\n')])) as MalformedFileError;
    expect(quoted).toBeInstanceOf(MalformedFileError);
    expect(quoted.line).toBe(4);
    expect(quoted.message).toMatch(/a quote \("\) appears inside an unquoted field: quote the whole field and double the quotes inside it/);
    const garbage = caught(() => scanCsv([Buffer.from('a,b\n"x\ny"z,1\n')])) as MalformedFileError;
    expect(garbage.line).toBe(3);
    expect(garbage.message).toMatch(/a quoted field is followed by "z" instead of a comma or the end of the line/);
  });

  it(`refuses a record longer than ${MAX_BATCH_ROW_BYTES} bytes, on the line where it passes the limit`, () => {
    const long = Buffer.concat([Buffer.from('a,b\n1,2\n'), Buffer.alloc(MAX_BATCH_ROW_BYTES + 1, '7'), Buffer.from('\n')]);
    const error = caught(() => scanCsv(cut(long, () => 65_536))) as MalformedFileError;
    expect(error).toBeInstanceOf(MalformedFileError);
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/longer than 16 MiB/);
    const unclosed = Buffer.concat([Buffer.from('a,b\n1,"2\n'), Buffer.from('3,4\n'.repeat(Math.ceil(MAX_BATCH_ROW_BYTES / 4)))]);
    const swallowed = caught(() => scanCsv(cut(unclosed, () => 65_536))) as MalformedFileError;
    expect(swallowed.line).toBe(2 + MAX_BATCH_ROW_BYTES / 4);
    // A record of exactly the limit is fine.
    const limit = Buffer.concat([Buffer.from('a\n'), Buffer.alloc(MAX_BATCH_ROW_BYTES, '7'), Buffer.from('\r\n')]);
    expect(scanCsv(cut(limit, () => 65_536)).records).toEqual([
      { endByte: 2, endLine: 1 },
      { endByte: limit.length, endLine: 2 },
    ]);
  });

  it('refuses a UTF-16 file (the workers read UTF-8)', () => {
    const error = caught(() => scanCsv([Buffer.from('\ufeffa,b\n1,2\n', 'utf16le')])) as MalformedFileError;
    expect(error.line).toBe(1);
    expect(error.message).toMatch(/UTF-16.*save it as UTF-8/);
  });

  describe('agrees with csv-parse', () => {
    // mulberry32: a small seeded generator, so a failure can be replayed.
    function random(seed: number) {
      return () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }
    type Random = ReturnType<typeof random>;
    const pick = <T>(next: Random, items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const PLAIN = ['a', 'Z', '7', '-1.5e3', ' ', 'x y', '\u00e9', '\u65e5\u672c', '\ud83d\ude42', '\t', "'", '\r'];
    const QUOTED = [...PLAIN, ',', '""', '\n', '\r\n', '\r', '"",""'];
    const BAD = ['a"b', '"a"b', '"a" ', '"unclosed', 'a""', '"a"\r', ' "a"'];

    function field(next: Random, malformed: boolean): string {
      const length = Math.floor(next() * 4);
      const roll = next();
      if (malformed && roll < 0.04) return pick(next, BAD);
      if (roll < 0.15) return '';
      if (roll < 0.55) return Array.from({ length }, () => pick(next, PLAIN)).join('');
      // A NUL after a closing quote is a byte of the field for csv-parse.
      return `"${Array.from({ length }, () => pick(next, QUOTED)).join('')}"${next() < 0.03 ? '\0z' : ''}`;
    }

    function csvText(next: Random, malformed: boolean): string {
      let text = next() < 0.2 ? '\ufeff' : '';
      const records = Math.floor(next() * 9);
      for (let record = 0; record < records; record += 1) {
        if (next() < 0.15) text += pick(next, ['\n', '\r\n']); // a blank line
        text += Array.from({ length: 1 + Math.floor(next() * 5) }, () => field(next, malformed)).join(',');
        if (record < records - 1 || next() < 0.7) text += pick(next, ['\n', '\r\n']);
      }
      // A file cut short often ends inside quotes.
      return malformed && next() < 0.1 ? text.slice(0, Math.floor(next() * text.length)) : text;
    }

    const SPLITS: [string, (next: Random) => number][] = [
      ['1 byte', () => 1],
      ['1 to 4 bytes', (next) => 1 + Math.floor(next() * 4)],
      ['1 to 64 bytes', (next) => 1 + Math.floor(next() * 64)],
      ['whole', () => Number.MAX_SAFE_INTEGER],
    ];
    const MESSAGES: Record<string, RegExp> = {
      CSV_QUOTE_NOT_CLOSED: /^a quoted field is never closed/,
      INVALID_OPENING_QUOTE: /^a quote \("\) appears inside an unquoted field/,
      CSV_INVALID_CLOSING_QUOTE: /^a quoted field is followed by .* instead of a comma or the end of the line/,
    };

    it.each([
      ['well-formed', false, 1],
      ['possibly malformed', true, 2],
    ] as const)('on %s random files, in any pieces: the same records, lines and header, or the same refusal', (_kind, malformed, seed) => {
      const next = random(seed);
      const refusals: Record<string, number> = {};
      for (let file = 0; file < 3000; file += 1) {
        const bytes = Buffer.from(csvText(next, malformed));
        let expected: CsvScan | CsvError;
        try {
          expected = oracle(bytes);
        } catch (error) {
          if (!(error instanceof CsvError)) throw error;
          expected = error;
        }
        for (const [split, size] of SPLITS) {
          const context = `${JSON.stringify(bytes.toString())} in pieces of ${split}`;
          if (expected instanceof CsvError) {
            const error = caught(() => scanCsv(cut(bytes, () => size(next))));
            expect(error, context).toBeInstanceOf(MalformedFileError);
            expect({ line: (error as MalformedFileError).line, message: (error as MalformedFileError).message }, context).toEqual({
              line: (expected as CsvError & { lines: number }).lines,
              message: expect.stringMatching(MESSAGES[expected.code]!),
            });
          } else {
            expect(scanCsv(cut(bytes, () => size(next))), context).toEqual(expected);
          }
        }
        if (expected instanceof CsvError) refusals[expected.code] = (refusals[expected.code] ?? 0) + 1;
      }
      if (malformed) {
        // Every kind of refusal was tried, many times, and so were files that csv-parse reads.
        for (const code of Object.keys(MESSAGES)) expect(refusals[code], code).toBeGreaterThan(50);
        expect(Object.values(refusals).reduce((sum, count) => sum + count)).toBeLessThan(2500);
      }
    });
  });
});

describe('JsonlRecordScanner', () => {
  const text = '\ufeff{"x":1}\r\n\n  \n{"x":[2,3]}\n{"y":"é"}';
  it.each([1, 5, 1024])('gives each object the byte after its line and its line number, skipping blank lines (pieces of %i bytes)', async (pieceBytes) => {
    expect(await scanJsonl(text, pieceBytes)).toEqual([
      { value: { x: 1 }, endByte: byteAfter(text, '{"x":1}\r\n'), endLine: 1 },
      { value: { x: [2, 3] }, endByte: byteAfter(text, '{"x":[2,3]}\n'), endLine: 4 },
      { value: { y: 'é' }, endByte: Buffer.byteLength(text), endLine: 5 },
    ]);
  });

  it('refuses a line that is not JSON, or not an object, with its number', async () => {
    const notJson = (await scanJsonl('{"x":1}\n\n{"x":\n', 4).catch((error: unknown) => error)) as MalformedFileError;
    expect(notJson).toBeInstanceOf(MalformedFileError);
    expect(notJson.line).toBe(3);
    expect(notJson.message).toMatch(/not valid JSON/);
    const array = (await scanJsonl('{"x":1}\n[1,2]\n', 1024).catch((error: unknown) => error)) as MalformedFileError;
    expect(array.line).toBe(2);
    expect(array.message).toMatch(/expected a JSON object .* got an array/);
  });
});
