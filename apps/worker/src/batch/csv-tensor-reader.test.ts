import type { Signature, TensorDtype } from '@modelgate/contracts';
import { describe, expect, it } from 'vitest';
import type { ChunkRow, ChunkRows } from './chunk-reader.js';
import { bytesJsonNumber, CsvTensorReader, jsonNumber } from './csv-tensor-reader.js';
import { RowInputReader } from './row-inputs.js';

const signatureOf = (inputs: Signature['inputs'], batchable = true): Signature => ({
  inputs,
  outputs: [{ name: 'y', isTensor: true, dtype: 'float32', shape: ['N', 1] }],
  batchable,
});
const header = new Map(['a', 'b', 'c', 'd', 'note'].map((name, index) => [name, index]));

/** A seeded generator: the same cases every run. */
function generator(seed: number) {
  return () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

/** What RowInputReader makes of a cell: JSON.parse's number, when the cell is one and nothing else; NaN otherwise. */
function parsedNumber(text: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return Number.NaN;
  }
  return typeof parsed === 'number' && text.trim() === text ? parsed : Number.NaN;
}

describe('jsonNumber', () => {
  it('takes exactly the texts JSON.parse reads as a number, without whitespace, and gives the same number', () => {
    const random = generator(11);
    // Non-ASCII digits and a character whose low byte is "1" must not pass for digits.
    const alphabet = ['0', '1', '9', '-', '+', '.', 'e', 'E', ' ', 'x', 'I', '5', '\u0661', '\u0131'];
    let taken = 0;
    for (let round = 0; round < 20_000; round++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 6) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const expected = parsedNumber(text);
      expect(jsonNumber(text), JSON.stringify(text)).toBe(expected);
      if (!Number.isNaN(expected)) taken += 1;
    }
    // The generator must reach plenty of valid numbers for this to prove anything.
    expect(taken).toBeGreaterThan(1000);
    for (const text of ['', '-', '0x1F', '.5', '5.', '01', '+1', 'Infinity', 'NaN', '1e', '1_0', ' 1']) expect(jsonNumber(text), text).toBeNaN();
    for (const text of ['0', '-0.25', '4e1', '1E-3', '123456789012345678901234567890']) expect(jsonNumber(text)).toBe(JSON.parse(text));
  });
});

/** Whether a typed array of the dtype stores the number unchanged (a finite float32 for float32). */
function storesExactly(dtype: TensorDtype, value: number): boolean {
  if (Number.isNaN(value)) return false;
  if (dtype === 'float32') return Number.isFinite(Math.fround(value));
  const arrays = { float64: Float64Array, int8: Int8Array, int16: Int16Array, int32: Int32Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array } as unknown as Record<string, Float64ArrayConstructor>;
  return new arrays[dtype]!([value])[0] === value && Number.isFinite(value);
}

describe('bytesJsonNumber', () => {
  it('gives exactly the number JSON.parse reads from the same text, read from bytes in place', () => {
    const random = generator(23);
    const alphabet = ['0', '1', '7', '9', '-', '+', '.', 'e', 'E', 'x'];
    const texts = ['0', '-0', '-0.0', '0.1', '0.30000000000000004', '123456789012345', '1234567890123456', '9007199254740993', '1e22', '1e23', '1.5e-22', '4.9e-324', '1e400', '-2.2250738585072014e-308', '0.000001234', '3.4028235e38', '1' + '0'.repeat(30), '0.' + '0'.repeat(30) + '1'];
    for (let round = 0; round < 30_000; round++) texts.push(Array.from({ length: 1 + Math.floor(random() * 22) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
    let numbers = 0;
    for (const text of texts) {
      // In a buffer with neighbours, as a cell sits in a record.
      const bytes = Buffer.from(`9,${text},9`);
      const expected = parsedNumber(text);
      expect(bytesJsonNumber(bytes, 2, 2 + text.length), text).toBe(expected);
      if (!Number.isNaN(expected)) numbers += 1;
    }
    expect(numbers).toBeGreaterThan(1000);
  });
});

/** The same rows as fields (as csv-parse gives them) and as the bytes of an unquoted chunk. */
function bothWays(chunk: ChunkRow[]): [ChunkRows, ChunkRows] {
  const listed: ChunkRows = { count: chunk.length, lineOf: (index) => chunk[index]!.line, row: (index) => chunk[index]! };
  const texts = chunk.map((row) => ('fields' in row ? row.fields.join(',') : ''));
  const bytes = Buffer.from(texts.join('\n'));
  const starts = new Int32Array(chunk.length);
  const ends = new Int32Array(chunk.length);
  let offset = 0;
  texts.forEach((text, index) => {
    starts[index] = offset;
    ends[index] = offset + Buffer.byteLength(text);
    offset = ends[index]! + 1;
  });
  const unquoted: ChunkRows = { ...listed, unquoted: { bytes, starts, ends } };
  return [listed, unquoted];
}

describe('CsvTensorReader', () => {
  const vector = signatureOf([{ name: 'x', dtype: 'float32', shape: ['N', 4] }]);

  it('serves only batchable number inputs whose rows are one number per column', () => {
    expect(CsvTensorReader.for({ x: ['a', 'b', 'c', 'd'] }, vector, header)).not.toBeNull();
    expect(CsvTensorReader.for({ x: ['a', 'b', 'c', 'd'] }, signatureOf([{ name: 'x', dtype: 'float32', shape: ['N', 'features'] }]), header)).not.toBeNull();
    expect(CsvTensorReader.for({ s: 'a' }, signatureOf([{ name: 's', dtype: 'int32', shape: ['N'] }]), header)).not.toBeNull();
    // Not its layout: a JSON array in one column, too few columns, a row of more than one axis,
    // strings, int64, an unbatchable model, a column the header lacks.
    expect(CsvTensorReader.for({ x: 'a' }, vector, header)).toBeNull();
    expect(CsvTensorReader.for({ x: ['a', 'b'] }, vector, header)).toBeNull();
    expect(CsvTensorReader.for({ x: ['a', 'b', 'c', 'd'] }, signatureOf([{ name: 'x', dtype: 'float32', shape: ['N', 2, 2] }]), header)).toBeNull();
    expect(CsvTensorReader.for({ s: 'a' }, signatureOf([{ name: 's', dtype: 'string', shape: ['N'] }]), header)).toBeNull();
    expect(CsvTensorReader.for({ s: 'a' }, signatureOf([{ name: 's', dtype: 'int64', shape: ['N'] }]), header)).toBeNull();
    expect(CsvTensorReader.for({ x: ['a', 'b', 'c', 'd'] }, signatureOf([{ name: 'x', dtype: 'float32', shape: [1, 4] }], false), header)).toBeNull();
    expect(CsvTensorReader.for({ x: ['a', 'b', 'c', 'zz'] }, vector, header)).toBeNull();
  });

  const layouts: { name: string; dtype: TensorDtype; signature: Signature; mapping: Record<string, string | string[]> }[] = [
    { name: 'float32 vector', dtype: 'float32', signature: vector, mapping: { x: ['a', 'b', 'c', 'd'] } },
    {
      name: 'two inputs: an int8 scalar and a float64 pair',
      dtype: 'int8',
      signature: signatureOf([
        { name: 'k', dtype: 'int8', shape: ['N'] },
        { name: 'p', dtype: 'float64', shape: ['N', 2] },
      ]),
      mapping: { k: 'a', p: ['c', 'b'] },
    },
    { name: 'uint16 scalar', dtype: 'uint16', signature: signatureOf([{ name: 'u', dtype: 'uint16', shape: ['N'] }]), mapping: { u: 'd' } },
  ];

  for (const layout of layouts) {
    it(`reads every row RowInputReader reads as plain numbers into the tensors, the same numbers, in order (${layout.name})`, () => {
      const random = generator(layout.name.length);
      const cells = ['1', '-2', '0.5', '3e2', '-128', '127', '128', '70000', '-1', ' 4', '', 'x', '1e39', '2.5', '"7"', 'true', '0'];
      const chunk: ChunkRow[] = Array.from({ length: 400 }, (_, index) => {
        const width = index % 53 === 7 ? 2 : 5;
        return { line: index + 2, fields: Array.from({ length: width }, () => cells[Math.floor(random() * cells.length)]!) };
      });
      const reader = CsvTensorReader.for(layout.mapping, layout.signature, header)!;
      const rowReader = new RowInputReader(layout.mapping, layout.signature);
      const [listed, unquoted] = bothWays(chunk);
      const { inputs, rows, others } = reader.read(listed);
      // From the bytes: the same rows taken, the same numbers.
      const fromBytes = reader.read(unquoted);
      expect(fromBytes.rows).toEqual(rows);
      expect(fromBytes.others).toEqual(others);
      for (const name of Object.keys(inputs)) expect(fromBytes.inputs[name]).toEqual(inputs[name]);

      expect([...rows, ...others].sort((left, right) => left - right)).toEqual(chunk.map((_, index) => index));
      expect(rows.length).toBeGreaterThan(20);
      for (const input of layout.signature.inputs) expect(inputs[input.name]!.shape[0]).toBe(rows.length);
      rows.forEach((index, position) => {
        const row = chunk[index] as { fields: string[] };
        const expected = rowReader.fromCsv(header, row.fields);
        expect(expected.ok, `row ${index}`).toBe(true);
        if (!expected.ok) return;
        for (const input of layout.signature.inputs) {
          const tensor = inputs[input.name]!;
          const perRow = tensor.shape.length === 1 ? 1 : tensor.shape[1]!;
          const values = Array.from(tensor.data.slice(position * perRow, (position + 1) * perRow) as Float64Array);
          const [item] = expected.inputs[input.name] as unknown[];
          const wanted = (Array.isArray(item) ? item : [item]).map((value) => (input.dtype === 'float32' ? Math.fround(value as number) : value));
          expect(values, `row ${index} input ${input.name}`).toEqual(wanted);
        }
      });
      // A row left out is one the tensors cannot hold as is: an unreadable line, a short line, or a
      // cell that is not a plain number fitting the dtype (RowInputReader says why, or reads it its way).
      for (const index of others) {
        const row = chunk[index] as { fields: string[] };
        if (row.fields.length < 5) continue;
        const held = layout.signature.inputs.every((input) => {
          const source = layout.mapping[input.name]!;
          return (typeof source === 'string' ? [source] : source).every((name) => storesExactly(input.dtype, jsonNumber(row.fields[header.get(name)!]!)));
        });
        expect(held, `row ${index} ${JSON.stringify(row.fields)}`).toBe(false);
      }
    });
  }
});
