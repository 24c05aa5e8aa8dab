import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { csvRecordScanner, JsonlRecordScanner, malformedCsv, MalformedFileError, type ScannedRecord } from './row-scanners.js';

/** The byte offset just after the first `piece` in `text` (in UTF-8 bytes, BOM included). */
const byteAfter = (text: string, piece: string) => Buffer.byteLength(text.slice(0, text.indexOf(piece) + piece.length));

/** Feeds `text` in pieces of `pieceBytes` (1 puts every boundary inside a record) and collects the records. */
async function scan(format: 'csv' | 'jsonl', text: string, pieceBytes: number): Promise<ScannedRecord[]> {
  const bytes = Buffer.from(text);
  const pieces = Array.from({ length: Math.ceil(bytes.length / pieceBytes) }, (_, index) => bytes.subarray(index * pieceBytes, (index + 1) * pieceBytes));
  const records: ScannedRecord[] = [];
  const sink = new Writable({
    objectMode: true,
    write(record: ScannedRecord, _encoding, callback) {
      records.push(record);
      callback();
    },
  });
  const scanners = format === 'csv' ? csvRecordScanner() : [new JsonlRecordScanner()];
  await pipeline([Readable.from(pieces), ...scanners, sink]).catch((error: unknown) => {
    throw malformedCsv(error);
  });
  return records;
}

describe('csvRecordScanner', () => {
  const text = '\ufeffa,b\r\n1,2\r\n\r\n"x\ny",5\n7,8';
  it.each([1, 3, 1024])('gives each record the byte just after it and the line it ends on (pieces of %i bytes)', async (pieceBytes) => {
    const records = await scan('csv', text, pieceBytes);
    expect(records).toEqual([
      { value: ['a', 'b'], endByte: byteAfter(text, 'a,b\r\n'), endLine: 1 },
      { value: ['1', '2'], endByte: byteAfter(text, '1,2\r\n'), endLine: 2 },
      { value: ['x\ny', '5'], endByte: byteAfter(text, '"x\ny",5\n'), endLine: 5 },
      { value: ['7', '8'], endByte: Buffer.byteLength(text), endLine: 6 },
    ]);
  });

  it('refuses a malformed file with the line that is wrong', async () => {
    const error = await scan('csv', 'a,b\n1,2\n3,"4\n', 7).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MalformedFileError);
    const quoted = (await scan('csv', 'a,b\n1,2\n3,4\n5,6"x"\n', 1024).catch((caught: unknown) => caught)) as MalformedFileError;
    expect(quoted).toBeInstanceOf(MalformedFileError);
    expect(quoted.line).toBe(4);
    expect(quoted.message).toMatch(/quote/i);
  });
});

describe('JsonlRecordScanner', () => {
  const text = '\ufeff{"x":1}\r\n\n  \n{"x":[2,3]}\n{"y":"é"}';
  it.each([1, 5, 1024])('gives each object the byte after its line and its line number, skipping blank lines (pieces of %i bytes)', async (pieceBytes) => {
    expect(await scan('jsonl', text, pieceBytes)).toEqual([
      { value: { x: 1 }, endByte: byteAfter(text, '{"x":1}\r\n'), endLine: 1 },
      { value: { x: [2, 3] }, endByte: byteAfter(text, '{"x":[2,3]}\n'), endLine: 4 },
      { value: { y: 'é' }, endByte: Buffer.byteLength(text), endLine: 5 },
    ]);
  });

  it('refuses a line that is not JSON, or not an object, with its number', async () => {
    const notJson = (await scan('jsonl', '{"x":1}\n\n{"x":\n', 4).catch((caught: unknown) => caught)) as MalformedFileError;
    expect(notJson).toBeInstanceOf(MalformedFileError);
    expect(notJson.line).toBe(3);
    expect(notJson.message).toMatch(/not valid JSON/);
    const array = (await scan('jsonl', '{"x":1}\n[1,2]\n', 1024).catch((caught: unknown) => caught)) as MalformedFileError;
    expect(array.line).toBe(2);
    expect(array.message).toMatch(/expected a JSON object .* got an array/);
  });
});
