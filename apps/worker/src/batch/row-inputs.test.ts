import type { Signature } from '@modelgate/contracts';
import { describe, expect, it } from 'vitest';
import { RowInputReader } from './row-inputs.js';

const tabular: Signature = {
  inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 4] }],
  outputs: [
    { name: 'label', isTensor: true, dtype: 'int64', shape: ['N'] },
    { name: 'scores', isTensor: true, dtype: 'float32', shape: ['N', 2] },
  ],
  batchable: true,
};

const header = new Map(['a', 'b', 'c', 'd', 'note'].map((name, index) => [name, index]));

describe('RowInputReader', () => {
  it('reads a vector from several columns and sends it as a batch of one', () => {
    const reader = new RowInputReader({ x: ['a', 'b', 'c', 'd'] }, tabular);
    expect(reader.fromCsv(header, ['1', '2.5', '-3', '4e1', 'ignored'])).toEqual({ ok: true, inputs: { x: [[1, 2.5, -3, 40]] } });
    expect(reader.fromJson({ a: 1, b: 2, c: 3, d: 4 })).toEqual({ ok: true, inputs: { x: [[1, 2, 3, 4]] } });
  });

  it('reads a JSON array from one column', () => {
    const reader = new RowInputReader({ x: 'a' }, tabular);
    expect(reader.fromCsv(header, ['[1,2,3,4]'])).toEqual({ ok: true, inputs: { x: [[1, 2, 3, 4]] } });
    expect(reader.fromJson({ a: [1, 2, 3, 4] })).toEqual({ ok: true, inputs: { x: [[1, 2, 3, 4]] } });
  });

  it('fails a row with a cell of the wrong type, naming the column and what it holds', () => {
    const reader = new RowInputReader({ x: ['a', 'b', 'c', 'd'] }, tabular);
    expect(reader.fromCsv(header, ['1', 'abc', '3', '4'])).toEqual({ ok: false, error: 'column "b" holds "abc": expected a number' });
    expect(reader.fromCsv(header, ['1', '', '3', '4'])).toEqual({ ok: false, error: 'column "b" is empty' });
    expect(reader.fromJson({ a: 1, b: 'abc', c: 3, d: 4 })).toEqual({ ok: false, error: 'field "b" holds "abc": expected a number' });
    expect(new RowInputReader({ x: 'a' }, tabular).fromCsv(header, ['not json'])).toEqual({ ok: false, error: 'column "a" holds "not json": expected a number or a JSON array' });
  });

  it('fails a row that lacks a column or field, saying how many fields the line has', () => {
    const reader = new RowInputReader({ x: ['a', 'b', 'c', 'd'] }, tabular);
    expect(reader.fromCsv(header, ['1', '2'])).toEqual({ ok: false, error: 'column "c" is missing: the line has 2 of 5 fields' });
    expect(reader.fromJson({ a: 1, b: 2, d: 4 })).toEqual({ ok: false, error: 'field "c" is missing' });
  });

  it('takes the batch dimension off the outputs of a row scored as a batch of one', () => {
    const reader = new RowInputReader({ x: 'a' }, tabular);
    expect(reader.rowOutputs({ label: [1], scores: [[0.25, 0.75]] })).toEqual({ label: 1, scores: [0.25, 0.75] });
  });

  it('passes a whole tensor through for an input without a batch dimension, and leaves its outputs alone', () => {
    const fixed: Signature = {
      inputs: [{ name: 'image', dtype: 'float32', shape: [2, 2] }],
      outputs: [{ name: 'y', isTensor: true, dtype: 'float32', shape: [2] }],
      batchable: false,
    };
    const reader = new RowInputReader({ image: 'pixels' }, fixed);
    expect(reader.fromJson({ pixels: [[1, 2], [3, 4]] })).toEqual({ ok: true, inputs: { image: [[1, 2], [3, 4]] } });
    expect(reader.rowOutputs({ y: [5] })).toEqual({ y: [5] });
  });

  it('keeps plain text for string inputs and decimal strings for int64 ones', () => {
    const signature: Signature = {
      inputs: [
        { name: 'word', dtype: 'string', shape: ['N'] },
        { name: 'ids', dtype: 'int64', shape: ['N', 2] },
      ],
      outputs: [],
      batchable: true,
    };
    const reader = new RowInputReader({ word: 'word', ids: ['i', 'j'] }, signature);
    const columns = new Map([['word', 0], ['i', 1], ['j', 2]]);
    expect(reader.fromCsv(columns, ['hello', '9007199254740993', '2'])).toEqual({ ok: true, inputs: { word: ['hello'], ids: [['9007199254740993', '2']] } });
    expect(reader.fromCsv(columns, ['hello', '1.5', 'x'])).toEqual({ ok: false, error: 'column "j" holds "x": expected a number' });
    expect(reader.fromJson({ word: 'hello', i: '9007199254740993', j: 2 })).toEqual({ ok: true, inputs: { word: ['hello'], ids: [['9007199254740993', 2]] } });
  });
});
