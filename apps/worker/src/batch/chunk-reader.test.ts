import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BATCH_CSV_DIALECT } from '@modelgate/contracts';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChunkRows as readChunk, readCsvHeader, type ChunkRow } from './chunk-reader.js';

let directory: string;
beforeAll(async () => {
  directory = await fs.mkdtemp(path.join(os.tmpdir(), 'chunk-reader-'));
});
afterAll(async () => {
  await fs.rm(directory, { recursive: true, force: true });
});

/** Every row of a chunk, built, with the lines the chunk gives for them (which must agree). */
async function readChunkRows(...args: Parameters<typeof readChunk>): Promise<ChunkRow[]> {
  const rows = await readChunk(...args);
  return Array.from({ length: rows.count }, (_, index) => {
    const row = rows.row(index);
    expect(rows.lineOf(index)).toBe(row.line);
    return row;
  });
}

/** Writes the parts as one file and returns it with the byte offset where each part starts. */
async function fileOf(name: string, parts: string[]) {
  const filePath = path.join(directory, name);
  await fs.writeFile(filePath, parts.join(''));
  const offsets = parts.map((_, index) => Buffer.byteLength(parts.slice(0, index).join('')));
  return { filePath, offsets, size: Buffer.byteLength(parts.join('')) };
}

describe('readChunkRows', () => {
  it('reads only its own CSV rows, each with the line it starts on, across CRLF, blank lines and quoted newlines', async () => {
    const { filePath, offsets, size } = await fileOf('rows.csv', [
      '\ufeffa,b,"no\nte"\r\n', // header: lines 1–2
      '1,2,x\r\n', // line 3
      '\r\n', // line 4, blank
      '3,4,"two\nlines"\n', // lines 5–6
      '5,6,é\n', // line 7
      '7\n', // line 8: short
    ]);
    expect([...(await readCsvHeader(filePath, offsets[1]!)).keys()]).toEqual(['a', 'b', 'no\nte']);
    // Chunk 0: the rows on lines 3 and 5; it starts right after the header, on line 3.
    expect(await readChunkRows(filePath, 'csv', { byteStart: offsets[1]!, byteEnd: offsets[4]!, firstLine: 3, rowCount: 2 })).toEqual([
      { line: 3, fields: ['1', '2', 'x'] },
      { line: 5, fields: ['3', '4', 'two\nlines'] },
    ]);
    // Chunk 1 starts on line 7 (after the record that ended on line 6).
    expect(await readChunkRows(filePath, 'csv', { byteStart: offsets[4]!, byteEnd: size, firstLine: 7, rowCount: 2 })).toEqual([
      { line: 7, fields: ['5', '6', 'é'] },
      { line: 8, fields: ['7'] },
    ]);
  });

  it('reads unquoted CSV chunks (split natively) exactly as csv-parse reads them', async () => {
    // A seeded generator: the same texts every run.
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    for (let round = 0; round < 200; round++) {
      let text = 'h\n';
      const rows = 1 + Math.floor(random() * 8);
      for (let row = 0; row < rows; row++) {
        // Every fourth text has a lone \r inside a field: csv-parse counts it as a line, so those chunks must go its way.
        const fields = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(round % 4 === 0 ? ['1', '-2.5', 'a\rb'] : ['1', '-2.5', '', ' ', 'é', 'x y']));
        text += fields.join(',') + pick(['\n', '\r\n', '\n\n', '\r\n\r\n', '\n \n']);
      }
      text += pick(['', '7', '7\r', '\r']);
      const { filePath, size } = await fileOf(`unquoted-${round}.csv`, [text]);
      const records = parseCsv(Buffer.from(text).subarray(2), { ...BATCH_CSV_DIALECT, record_delimiter: [...BATCH_CSV_DIALECT.record_delimiter], info: true }) as unknown as {
        record: string[];
        info: { lines: number; empty_lines: number };
      }[];
      // The line each record starts on, from csv-parse's counts: the line after the previous record
      // ended, past the blank lines skipped in between.
      let previousEnd = 0;
      let previousBlank = 0;
      const expected = records.map(({ record, info }) => {
        const line = 2 + previousEnd + (info.empty_lines - previousBlank);
        previousEnd = info.lines;
        previousBlank = info.empty_lines;
        return { line, fields: record };
      });
      const bounds = { byteStart: 2, byteEnd: size, firstLine: 2, rowCount: records.length };
      expect(await readChunkRows(filePath, 'csv', bounds), JSON.stringify(text)).toEqual(expected);
      // Split natively (records kept as bytes) unless a lone \r sent it to csv-parse.
      expect((await readChunk(filePath, 'csv', bounds)).unquoted !== undefined, JSON.stringify(text)).toBe(!/\r(?!\n)/.test(text));
    }
  });

  it('reads JSONL rows with their lines, skipping blank lines, and reports a line that is not an object', async () => {
    const { filePath, offsets, size } = await fileOf('rows.jsonl', ['\ufeff{"x":[1]}\r\n', '\n', '{"x":[2]}\n', '[3]\n', '{"x":[4]}']);
    expect(await readChunkRows(filePath, 'jsonl', { byteStart: 0, byteEnd: offsets[3]!, firstLine: 1, rowCount: 2 })).toEqual([
      { line: 1, object: { x: [1] } },
      { line: 3, object: { x: [2] } },
    ]);
    expect(await readChunkRows(filePath, 'jsonl', { byteStart: offsets[3]!, byteEnd: size, firstLine: 4, rowCount: 2 })).toEqual([
      { line: 4, error: 'the line is not a JSON object' },
      { line: 5, object: { x: [4] } },
    ]);
  });

  it('refuses a chunk whose bytes do not hold the rows counted at upload', async () => {
    const { filePath, size } = await fileOf('changed.jsonl', ['{"x":1}\n', '{"x":2}\n']);
    await expect(readChunkRows(filePath, 'jsonl', { byteStart: 0, byteEnd: size, firstLine: 1, rowCount: 3 })).rejects.toThrow(/hold 2 rows where 3 were counted at upload/);
    await expect(readChunkRows(filePath, 'jsonl', { byteStart: 0, byteEnd: size + 10, firstLine: 1, rowCount: 2 })).rejects.toThrow(/truncated/);
  });
});
